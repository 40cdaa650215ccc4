import { type Drainable, type Logger, ScaleInGuard as DrainOnNotice } from "../runtime";
import type { PollerCounts } from "./poller";

/** Reads the instance's Auto Scaling target lifecycle state from the instance metadata service (IMDSv2). */
export class LifecycleState {
    /**
     * @param endpoint the metadata service, `AWS_EC2_METADATA_SERVICE_ENDPOINT` as the AWS SDKs read it
     * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-imds-client.html). @default http://169.254.169.254
     */
    constructor(private readonly endpoint = "http://169.254.169.254") {}

    /**
     * `InService`, `Terminated`, ... from `/latest/meta-data/autoscaling/target-lifecycle-state`
     * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/retrieving-target-lifecycle-state-through-imds.html),
     * or undefined when the instance is in no Auto Scaling group (404).
     */
    async read(): Promise<string | undefined> {
        const base = this.endpoint.replace(/\/+$/, "");
        const token = await fetch(`${base}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "300" }, signal: AbortSignal.timeout(2000) });
        if (!token.ok) throw new Error(`instance metadata: token request answered ${token.status}`);
        const state = await fetch(`${base}/latest/meta-data/autoscaling/target-lifecycle-state`, { headers: { "x-aws-ec2-metadata-token": await token.text() }, signal: AbortSignal.timeout(2000) });
        if (state.status === 404) return undefined;
        if (!state.ok) throw new Error(`instance metadata: target-lifecycle-state answered ${state.status}`);
        return (await state.text()).trim();
    }
}

export interface ScaleInGuardOptions {
    poller: Drainable<PollerCounts>;
    lifecycle: Pick<LifecycleState, "read">;
    logger: Logger;
    /** Milliseconds between reads of the lifecycle state. @default 5000 */
    checkEveryMs?: number;
}

/**
 * The runtime's ScaleInGuard on an Auto Scaling group: the termination lifecycle hook holds the
 * instance in `Terminating:Wait` (its heartbeat timeout covers the drain) and the metadata service
 * reports the target state `Terminated`; the instance terminates when the hook's timeout ends
 * (result CONTINUE).
 */
export class ScaleInGuard extends DrainOnNotice<PollerCounts> {
    constructor(options: ScaleInGuardOptions) {
        super({
            service: options.poller,
            notice: { terminating: async () => (await options.lifecycle.read()) === "Terminated" },
            logger: options.logger,
            ...(options.checkEveryMs === undefined ? {} : { checkEveryMs: options.checkEveryMs }),
        });
    }
}

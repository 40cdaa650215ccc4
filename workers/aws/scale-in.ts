import type { Logger } from "../runtime";
import type { PollerCounts } from "./poller";

/** What the scale-in guard needs of a poller. */
export interface Drainable {
    run(): Promise<void>;
    stop(): Promise<PollerCounts>;
}

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
    poller: Drainable;
    lifecycle: Pick<LifecycleState, "read">;
    logger: Logger;
    /** Milliseconds between reads of the lifecycle state. @default 5000 */
    checkEveryMs?: number;
}

/**
 * Runs a VM poller until its instance is chosen for scale-in, then drains it. The Auto Scaling
 * group's termination lifecycle hook holds the instance in `Terminating:Wait` (its heartbeat
 * timeout covers the drain) and the metadata service reports the target state `Terminated`: the
 * guard then stops receiving, lets running messages finish (or returns them to the queue at the
 * drain deadline) and stays idle, so the service manager does not restart a fresh poller on an
 * instance that is going away. The instance terminates when the hook's timeout ends (result
 * CONTINUE). `stop()` (SIGTERM) ends it as before.
 */
export class ScaleInGuard {
    private stopped = false;
    private release: () => void = () => undefined;
    private readonly held = new Promise<void>((resolve) => (this.release = resolve));
    private timer: NodeJS.Timeout | undefined;
    /** True once a scale-in was seen and the poller drained for it. */
    drainedForScaleIn = false;

    constructor(private readonly options: ScaleInGuardOptions) {}

    async run(): Promise<void> {
        this.watch();
        await this.options.poller.run();
        if (this.drainedForScaleIn && !this.stopped) await this.held;
    }

    async stop(): Promise<PollerCounts> {
        this.stopped = true;
        clearTimeout(this.timer);
        this.release();
        return this.options.poller.stop();
    }

    private watch(): void {
        const every = this.options.checkEveryMs ?? 5000;
        const check = async () => {
            if (this.stopped) return;
            try {
                if ((await this.options.lifecycle.read()) === "Terminated") {
                    this.drainedForScaleIn = true;
                    this.options.logger.info({}, "scale-in: this instance is terminating; draining and receiving no more");
                    await this.options.poller.stop();
                    return;
                }
            } catch (error) {
                this.options.logger.warn({ err: error }, "scale-in: could not read the lifecycle state; will retry");
            }
            if (!this.stopped) this.timer = setTimeout(() => void check(), every);
        };
        void check();
    }
}

import * as pulumi from "@pulumi/pulumi";
import { loadCloudStack } from "./cloud-loader";
import type { QueueEndpoints, WebQueueWorkerOutputs } from "./contract";
import { type Cloud, type Spec, type SpecInput, validateSpec } from "./spec";
import { checkWorkerCode } from "./worker-code";

export interface WebQueueWorkerArgs {
    /** Target cloud: aws | azure | gcp. */
    cloud: Cloud;
    /** The stack spec (see components/spec). Validated for `cloud` before anything is created. */
    spec: SpecInput | Spec;
}

/**
 * The neutral web-queue-worker stack: validates the spec for the chosen cloud, loads only that
 * cloud's provider SDK, and creates the cloud's stack component as its child.
 */
export class WebQueueWorker extends pulumi.ComponentResource implements WebQueueWorkerOutputs {
    readonly cloud: Cloud;
    readonly spec: Spec;
    readonly frontEndUrl: pulumi.Output<string>;
    readonly queues: Record<string, QueueEndpoints>;
    readonly datastoreName: pulumi.Output<string>;
    readonly alarmTopic: pulumi.Output<string>;
    readonly apiKeySecret?: pulumi.Output<string>;

    constructor(name: string, args: WebQueueWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate and load the cloud before registering anything: bad input creates no resource.
        const spec = validateSpec(args.spec, args.cloud);
        checkWorkerCode(spec);
        const CloudStack = loadCloudStack(args.cloud);
        super("queuestack:index:WebQueueWorker", name, {}, opts);
        this.cloud = args.cloud;
        this.spec = spec;
        const stack = new CloudStack(`${name}-${args.cloud}`, { spec }, { parent: this });
        this.frontEndUrl = stack.frontEndUrl;
        this.queues = stack.queues;
        this.datastoreName = stack.datastoreName;
        this.alarmTopic = stack.alarmTopic;
        this.apiKeySecret = stack.apiKeySecret;
        this.registerOutputs({
            frontEndUrl: this.frontEndUrl,
            queues: this.queues,
            datastoreName: this.datastoreName,
            alarmTopic: this.alarmTopic,
            apiKeySecret: this.apiKeySecret,
        });
    }
}

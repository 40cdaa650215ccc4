import * as cloudtasks from "@pulumi/gcp/cloudtasks";
import * as pubsub from "@pulumi/gcp/pubsub";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as pulumi from "@pulumi/pulumi";
import { type GcpPlacement, childOptions, gcpPlacement, serviceAccountMember } from "./context";
import { workloadServiceAccount } from "./identity";
import { freshName } from "./fresh-name";
import { gcpNames } from "./names";

/** Retries of a task whose publish failed: bounded in count and time (Cloud Tasks then drops it). */
export interface DelayRetry {
    /** Most attempts per task. @default 100 (maps to `retryConfig.maxAttempts`) */
    maxAttempts: number;
    /** Longest a task keeps retrying, seconds. @default 86400 (maps to `retryConfig.maxRetryDuration`) */
    maxRetrySeconds: number;
    /** First backoff, seconds. @default 1 (maps to `retryConfig.minBackoff`) */
    minBackoffSeconds: number;
    /** Longest backoff, seconds. @default 300 (maps to `retryConfig.maxBackoff`) */
    maxBackoffSeconds: number;
}

export interface DelaySchedulerArgs extends GcpPlacement {
    /** Topic names (by a key used in resource names) the scheduler may publish to: the level topics of delayed queues. */
    topics: Record<string, pulumi.Input<string>>;
    /** Most publishes started per second. @default 500 (Cloud Tasks' ceiling; maps to `rateLimits.maxDispatchesPerSecond`) */
    maxDispatchesPerSecond?: number;
    /** Most publishes in flight at once. @default 100 (maps to `rateLimits.maxConcurrentDispatches`) */
    maxConcurrentDispatches?: number;
    /** Retry settings. @default see DelayRetry */
    retry?: Partial<DelayRetry>;
}

/** Where the front end creates delayed-publish tasks, and as whom they publish. */
export interface DelayTarget {
    /** `projects/<p>/locations/<l>/queues/<q>`: where tasks are created. */
    queueId: pulumi.Input<string>;
    /** Queue id alone (where the enqueuer grant goes). */
    queueName: pulumi.Input<string>;
    /** Queue region. */
    location: pulumi.Input<string>;
    /** Email of the account whose OAuth token the task's publish request carries. */
    serviceAccountEmail: pulumi.Input<string>;
    /** `projects/<p>/serviceAccounts/<email>` of that account (where actAs is granted). */
    serviceAccountName: pulumi.Input<string>;
}

const defaultRetry: DelayRetry = { maxAttempts: 100, maxRetrySeconds: 86_400, minBackoffSeconds: 1, maxBackoffSeconds: 300 };

/**
 * Long per-message delays on Google Cloud, where Pub/Sub has none: a Cloud Tasks queue and a
 * service account that may publish to the delayed queues' topics only. The front end creates
 * one task per delayed message, scheduled at the due time, whose HTTP request is the Pub/Sub
 * publish REST call carrying an OAuth token of that account (Cloud Tasks allows up to 30 days
 * ahead). Failed publishes are retried with backoff within `retry`, then dropped (Cloud Tasks has
 * no dead-letter queue; the queue's logs record them).
 */
export class DelayScheduler extends pulumi.ComponentResource implements DelayTarget {
    readonly queue: cloudtasks.Queue;
    readonly serviceAccount: serviceaccount.Account;
    readonly queueId: pulumi.Output<string>;
    readonly queueName: pulumi.Output<string>;
    readonly location: pulumi.Output<string>;
    readonly serviceAccountEmail: pulumi.Output<string>;
    readonly serviceAccountName: pulumi.Output<string>;

    constructor(name: string, args: DelaySchedulerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:gcp:DelayScheduler", name, {}, opts);
        const parent = childOptions(this, opts);
        const { name: physical, region } = gcpPlacement(args, "delay");
        const retry = { ...defaultRetry, ...args.retry };

        this.serviceAccount = workloadServiceAccount(`${name}-identity`, physical(gcpNames.serviceAccountId, "delay"), "Publishes delayed queuestack messages when due", parent);
        const member = serviceAccountMember(this.serviceAccount.email);
        for (const [key, topic] of Object.entries(args.topics)) {
            new pubsub.TopicIAMMember(`${name}-publish-${key}`, { topic, role: "roles/pubsub.publisher", member }, parent);
        }
        this.queue = new cloudtasks.Queue(
            `${name}-queue`,
            {
                // A deleted queue's name stays taken for 7 days (https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues/delete):
                // a fresh name per deployment lets `pulumi destroy` then `pulumi up` create it again at once.
                name: freshName(`${name}-queue-suffix`, (suffix) => physical(gcpNames.cloudTasksQueue, "delay", suffix), parent),
                location: region(),
                rateLimits: { maxDispatchesPerSecond: args.maxDispatchesPerSecond ?? 500, maxConcurrentDispatches: args.maxConcurrentDispatches ?? 100 },
                retryConfig: {
                    maxAttempts: retry.maxAttempts,
                    maxRetryDuration: `${retry.maxRetrySeconds}s`,
                    minBackoff: `${retry.minBackoffSeconds}s`,
                    maxBackoff: `${retry.maxBackoffSeconds}s`,
                    maxDoublings: 8,
                },
                stackdriverLoggingConfig: { samplingRatio: 1 },
            },
            parent,
        );
        this.queueName = this.queue.name;
        this.location = this.queue.location;
        this.queueId = pulumi.interpolate`projects/${this.queue.project}/locations/${this.queue.location}/queues/${this.queue.name}`;
        this.serviceAccountEmail = this.serviceAccount.email;
        this.serviceAccountName = this.serviceAccount.name;
        this.registerOutputs({ queueId: this.queueId, serviceAccountEmail: this.serviceAccountEmail });
    }
}

/**
 * Lets `member` schedule delayed publishes: create tasks on the queue (`roles/cloudtasks.enqueuer`)
 * and attach the publishing account's token to them (`roles/iam.serviceAccountUser` on that one account).
 */
export function grantDelayScheduling(name: string, target: DelayTarget, member: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): void {
    new cloudtasks.QueueIamMember(`${name}-enqueue`, { name: target.queueName, location: target.location, role: "roles/cloudtasks.enqueuer", member }, opts);
    new serviceaccount.IAMMember(`${name}-act-as`, { serviceAccountId: target.serviceAccountName, role: "roles/iam.serviceAccountUser", member }, opts);
}

import type * as pulumi from "@pulumi/pulumi";
import type { Spec, SpecInput } from "./spec";

/** Where one queue and its dead-letter queue live, in the cloud's own terms. */
export interface QueueEndpoints {
    /** aws: queue URL; azure: queue resource id; gcp: subscription id; local: queue name. */
    id: pulumi.Output<string>;
    /** aws: DLQ URL; azure: `<queue>/$deadletterqueue` path; gcp: dead-letter subscription id. */
    deadLetterId: pulumi.Output<string>;
}

/** The outputs every target exposes, so the same checks and tools work on all of them. */
export interface WebQueueWorkerOutputs {
    /** Base URL of the HTTP front end. */
    frontEndUrl: pulumi.Output<string>;
    /** Per queue name: its id and its dead-letter queue's id. */
    queues: Record<string, QueueEndpoints>;
    /** aws: DynamoDB table name; azure: Cosmos DB container; gcp: Firestore database. */
    datastoreName: pulumi.Output<string>;
    /** aws: SNS topic ARN; azure: action group id; gcp: notification channel id. */
    alarmTopic: pulumi.Output<string>;
    /**
     * Where the front end's API key is kept (`auth: apiKey`): aws, the Secrets Manager secret's ARN
     * (its name carries a generated suffix). @default undefined (auth: none, or a cloud that does not report it)
     */
    apiKeySecret?: pulumi.Output<string>;
}

/** Arguments of every cloud's whole-stack component. */
export interface CloudStackArgs {
    /** The spec; validated for the component's cloud before any resource is created. */
    spec: SpecInput | Spec;
}

/** A cloud's whole-stack component class (AwsWebQueueWorker, ...). */
export type CloudStackClass = new (
    name: string,
    args: CloudStackArgs,
    opts?: pulumi.ComponentResourceOptions,
) => pulumi.ComponentResource & WebQueueWorkerOutputs;

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type TopicSpec, parseSpecPart, topicSchema } from "../spec";
import { type AwsPlacement, placement } from "./context";
import { awsNames } from "./names";

export interface TopicArgs extends AwsPlacement {
    /** The topic's spec (name and subscriber queues; the queues subscribe themselves, see QueueArgs.topics). */
    topic: TopicSpec;
    /**
     * A FIFO topic (`<name>.fifo`, content-based deduplication unless the publisher sends an id),
     * required when the subscribers are FIFO queues (topicOrdering). @default false
     */
    fifo?: boolean;
}

/**
 * A fan-out topic on AWS: an SNS topic, encrypted with the AWS managed key, that the front end
 * publishes to (`POST /topics/<name>`). Each subscriber queue creates its own SQS subscription
 * (raw delivery, redrive to its DLQ) and lets exactly this topic send, so the topic exists first.
 */
export class Topic extends pulumi.ComponentResource {
    readonly topic: aws.sns.Topic;
    readonly arn: pulumi.Output<string>;
    readonly fifo: boolean;

    constructor(name: string, args: TopicArgs, opts?: pulumi.ComponentResourceOptions) {
        const spec = parseSpecPart(topicSchema, args.topic, `topic "${name}"`);
        super("queuestack:aws:Topic", name, {}, opts);
        const { name: physical, tags } = placement(args, "topic");
        this.fifo = args.fifo ?? false;
        this.topic = new aws.sns.Topic(
            `${name}-topic`,
            {
                name: physical(this.fifo ? awsNames.snsFifoTopic : awsNames.snsTopic, spec.name),
                kmsMasterKeyId: "alias/aws/sns",
                ...(this.fifo ? { fifoTopic: true, contentBasedDeduplication: true } : {}),
                tags,
            },
            { parent: this },
        );
        this.arn = this.topic.arn;
        this.registerOutputs({ arn: this.arn });
    }
}

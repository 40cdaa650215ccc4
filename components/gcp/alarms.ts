import * as monitoring from "@pulumi/gcp/monitoring";
import * as pubsub from "@pulumi/gcp/pubsub";
import type * as inputs from "@pulumi/gcp/types/input";
import * as pulumi from "@pulumi/pulumi";
import { type AlarmsSpec, alarmsSchema, parseSpecPart } from "../spec";
import { type GcpPlacement, gcpPlacement, childOptions } from "./context";
import { type ServiceAgent, agentMember } from "./service-agents";
import { functionErrorsFilter, pubsubMetrics, subscriptionFilter } from "./metrics";
import { gcpNames } from "./names";

/** A queue watched by the alarms. */
export interface AlarmedQueue {
    /** Spec name (used in display names). */
    name: string;
    subscriptionName: pulumi.Input<string>;
    deadLetterSubscriptionName: pulumi.Input<string>;
}

/** A function whose errors are alarmed (function workers and the front end). */
export interface AlarmedFunction {
    /** Display name. */
    name: string;
    /** Function name (also its Cloud Run service name). */
    functionName: pulumi.Input<string>;
}

export interface AlarmsArgs extends GcpPlacement {
    /** Alarm settings from the spec. @default {} (deadLetterDepth 1, oldestMessageAgeSeconds 600, workerErrors 1) */
    alarms?: Partial<AlarmsSpec>;
    queues: AlarmedQueue[];
    functions?: AlarmedFunction[];
    /** The Monitoring notification service agent (see serviceAgent). @default provisioned by this component with a ServiceIdentity */
    notificationAgent?: ServiceAgent;
}

const minute = "60s";
type Condition = inputs.monitoring.AlertPolicyCondition;

/** A threshold condition: `filter` aligned per minute with `aligner`, firing when above `threshold`. */
function above(displayName: string, filter: pulumi.Input<string>, aligner: string, threshold: number, window = minute): Condition {
    return {
        displayName,
        conditionThreshold: {
            filter,
            aggregations: [{ alignmentPeriod: window, perSeriesAligner: aligner }],
            comparison: "COMPARISON_GT",
            thresholdValue: threshold,
            duration: "0s",
            trigger: { count: 1 },
        },
    };
}

/**
 * Alarms on Google Cloud: an alarm Pub/Sub topic with a notification channel (the counterpart of an
 * SNS topic: anything can subscribe), an email channel when `email` is given, and alert policies
 * per queue (messages dead-lettered (`dead_letter_message_count` > 0) or the dead-letter backlog
 * reaching `deadLetterDepth`; oldest unacked message older than the SLA) and per function (5xx
 * responses in 5 minutes reaching `workerErrors`).
 */
export class Alarms extends pulumi.ComponentResource {
    readonly alarmTopic: pubsub.Topic;
    readonly channels: monitoring.NotificationChannel[];
    readonly policies: monitoring.AlertPolicy[];
    /** The alarm topic's notification channel (`projects/<project>/notificationChannels/<id>`). */
    readonly channelId: pulumi.Output<string>;

    constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = parseSpecPart(alarmsSchema, args.alarms ?? {}, `alarms "${name}"`);
        super("queuestack:gcp:Alarms", name, {}, opts);
        const { name: physical, labels } = gcpPlacement(args, "alarms");
        const parent = childOptions(this, opts);
        const displayPrefix = physical(gcpNames.pubsubTopic);

        this.alarmTopic = new pubsub.Topic(`${name}-topic`, { name: physical(gcpNames.pubsubTopic, "alarms"), labels }, parent);
        const notifier = agentMember(args.notificationAgent, `${name}-notification-agent`, "monitoringNotification", parent);
        new pubsub.TopicIAMMember(`${name}-topic-publisher`, { topic: this.alarmTopic.name, role: "roles/pubsub.publisher", member: notifier }, parent);
        const topicChannel = new monitoring.NotificationChannel(
            `${name}-topic-channel`,
            { displayName: `${displayPrefix} alarms topic`, type: "pubsub", labels: { topic: this.alarmTopic.id }, userLabels: labels },
            parent,
        );
        this.channels = [topicChannel];
        if (settings.email) {
            this.channels.push(
                new monitoring.NotificationChannel(
                    `${name}-email-channel`,
                    { displayName: `${displayPrefix} alarms email`, type: "email", labels: { email_address: settings.email }, userLabels: labels },
                    parent,
                ),
            );
        }
        const notificationChannels = this.channels.map((c) => c.name);
        const policy = (role: string, displayName: string, conditions: Condition[], content: string) =>
            new monitoring.AlertPolicy(
                `${name}-${role}`,
                {
                    displayName: `${displayPrefix} ${displayName}`,
                    combiner: "OR",
                    conditions,
                    notificationChannels,
                    severity: "ERROR",
                    documentation: { content, mimeType: "text/markdown" },
                    alertStrategy: { autoClose: "86400s" },
                    userLabels: labels,
                },
                parent,
            );

        this.policies = args.queues.flatMap((q) => [
            policy(`${q.name}-dead-letters`, `${q.name}: messages dead-lettered`, [
                above("Messages moved to the dead-letter topic", subscriptionFilter(pubsubMetrics.deadLettered, q.subscriptionName), "ALIGN_SUM", 0),
                above("Dead-letter backlog", subscriptionFilter(pubsubMetrics.undelivered, q.deadLetterSubscriptionName), "ALIGN_MAX", settings.deadLetterDepth - 1),
            ], `Messages of queue **${q.name}** failed every delivery attempt. Read them from the dead-letter subscription, fix the cause, then replay.`),
            policy(`${q.name}-backlog-age`, `${q.name}: oldest message older than ${settings.oldestMessageAgeSeconds} s`, [
                above("Oldest unacked message age", subscriptionFilter(pubsubMetrics.oldestUnackedAge, q.subscriptionName), "ALIGN_MAX", settings.oldestMessageAgeSeconds),
            ], `Queue **${q.name}** is behind its SLA: workers are too few, too slow or failing.`),
        ]);
        for (const fn of args.functions ?? []) {
            this.policies.push(
                policy(`${fn.name}-errors`, `${fn.name}: errors`, [
                    above("5xx responses in 5 minutes", functionErrorsFilter(fn.functionName), "ALIGN_SUM", settings.workerErrors - 1, "300s"),
                ], `Function **${fn.name}** answered with errors (failed or nacked work). See its logs.`),
            );
        }
        this.channelId = topicChannel.name;
        this.registerOutputs({ channelId: this.channelId, alarmTopicId: this.alarmTopic.id });
    }
}

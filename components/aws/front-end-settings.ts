import * as pulumi from "@pulumi/pulumi";
import { needsDelayScheduler } from "../spec";
import type { Statement } from "./iam";
import type { BucketRef, LevelRef } from "./refs";

/** A queue the front end may send to, with how senders route into it. */
export interface FrontEndQueue {
    /** URL of the queue (its default level with priorities). */
    url: pulumi.Input<string>;
    /** ARN of the queue (its default level with priorities). */
    arn: pulumi.Input<string>;
    /** FIFO queue: every message needs a group key. */
    fifo: boolean;
    /** Priority levels, highest first; the front end sends to the one the sender names. @default none */
    levels?: LevelRef[];
    /** Level for senders that name none (defaultLevelOf). @default the lowest level */
    defaultLevel?: string;
    /** Longest per-message delay a sender may ask for, seconds (spec maxDelaySeconds). @default 0 */
    maxDelaySeconds?: number;
    /** `body.<path>` of the group key (spec groupKey). @default none (header or query only) */
    groupKey?: string;
    /** `body.<path>` of the deduplication id (spec deduplicationKey). @default none (header or query only) */
    deduplicationKey?: string;
    /** Largest message the queue takes, KiB (spec maxMessageKb): larger bodies are claim-checked. @default 256 */
    maxMessageKb?: number;
}

/** A fan-out topic the front end publishes to (`POST /topics/<name>`). */
export interface FrontEndTopic {
    /** ARN of the SNS topic. */
    arn: pulumi.Input<string>;
    /** FIFO topic: every event needs a group key. */
    fifo: boolean;
}

/** The schedule group and role the front end creates delay schedules with (DelayScheduler). */
export interface FrontEndDelayScheduler {
    /** The schedule group (env QUEUESTACK_SCHEDULE_GROUP). */
    groupName: pulumi.Input<string>;
    /** The role schedules send with (env QUEUESTACK_SCHEDULER_ROLE_ARN; the front end may pass only it). */
    roleArn: pulumi.Input<string>;
    /** ARN pattern of the group's schedules (`.../schedule/<group>/*`). */
    schedulesArn: pulumi.Input<string>;
    /** The schedules' own dead-letter queue (env QUEUESTACK_SCHEDULER_DEAD_LETTER_ARN): never a work queue's DLQ. */
    deadLetterArn: pulumi.Input<string>;
}

const when = <T>(condition: unknown, value: T) => (condition ? value : undefined);

/** The name of the routing table file in the front end's deployment package (QUEUESTACK_ROUTES_FILE). */
export const routesFileName = "queuestack-routes.json";

/**
 * The front end's routing table, `{"QUEUESTACK_QUEUES": {...}, "QUEUESTACK_TOPICS": {...}}`,
 * shipped as `routesFileName` beside its code rather than in its environment: it grows with queues,
 * levels, delays and topics past the 4 KB Lambda allows for all variables together
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html), while the package
 * allows 250 MB. Read once at cold start (workers/aws/front-end-config.ts, withRoutesFile); a
 * change is a code change, so it rolls out with a new function version like any other.
 */
export function routesDocument(queues: Record<string, FrontEndQueue>, topics: Record<string, FrontEndTopic>, claimCheck: boolean): pulumi.Output<string> {
    return pulumi.jsonStringify({
        QUEUESTACK_QUEUES: queueRoutes(queues, claimCheck),
        ...(Object.keys(topics).length > 0 ? { QUEUESTACK_TOPICS: topics } : {}),
    });
}

/** QUEUESTACK_QUEUES: each queue's URL, FIFO flag and, when set, its routing (read by workers/aws/front-end-setup.ts). */
export function queuesVariable(queues: Record<string, FrontEndQueue>, claimCheck: boolean): pulumi.Output<string> {
    return pulumi.jsonStringify(queueRoutes(queues, claimCheck));
}

function queueRoutes(queues: Record<string, FrontEndQueue>, claimCheck: boolean) {
    return pulumi.output(
        Object.fromEntries(
            Object.entries(queues).map(([name, q]) => {
                const scheduled = needsDelayScheduler({ maxDelaySeconds: q.maxDelaySeconds ?? 0 }, "aws");
                const levels = q.levels?.map((l) => ({ level: l.level, url: l.url, ...(scheduled ? { arn: l.arn } : {}) }));
                const entry = {
                    url: q.url,
                    fifo: q.fifo,
                    levels,
                    defaultLevel: q.defaultLevel,
                    maxDelaySeconds: when(q.maxDelaySeconds, q.maxDelaySeconds),
                    arn: when(scheduled, q.arn),
                    groupKey: q.groupKey,
                    deduplicationKey: q.deduplicationKey,
                    maxMessageBytes: when(claimCheck, (q.maxMessageKb ?? 256) * 1024),
                };
                return [name, Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined))];
            }),
        ),
    );
}

/** What the front end may do: send to every queue level, publish to the topics, create delay schedules, put claim-checked bodies. */
export function frontEndStatements(a: {
    queues: Record<string, FrontEndQueue>;
    topics: Record<string, FrontEndTopic>;
    delayScheduler?: FrontEndDelayScheduler;
    largeMessages?: BucketRef;
}): Statement[] {
    const queueArns = Object.values(a.queues).flatMap((q) => (q.levels ? q.levels.map((l) => l.arn) : [q.arn]));
    const topicArns = Object.values(a.topics).map((t) => t.arn);
    const scheduler = a.delayScheduler;
    return [
        { sid: "SendToOwnQueues", actions: ["sqs:SendMessage"], resources: queueArns },
        ...(topicArns.length > 0 ? [{ sid: "PublishToOwnTopics", actions: ["sns:Publish"], resources: topicArns }] : []),
        ...(scheduler
            ? [
                  { sid: "CreateDelaySchedules", actions: ["scheduler:CreateSchedule"], resources: [scheduler.schedulesArn] },
                  {
                      sid: "PassDelayRole",
                      actions: ["iam:PassRole"],
                      resources: [scheduler.roleArn],
                      condition: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
                  },
              ]
            : []),
        ...(a.largeMessages ? [{ sid: "WriteLargeMessages", actions: ["s3:PutObject"], resources: [pulumi.interpolate`${a.largeMessages.bucketArn}/*`] }] : []),
    ];
}

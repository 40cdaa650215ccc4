import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { workerEntries } from "../build/bundle";
import { type WorkerSpec, type WorkerSpecInput, levelShares, parseSpecPart, workerSchema } from "../spec";
import { type AwsPlacement, placement } from "./context";
import { consumeActions, tableActions } from "./iam";
import { nodeFunction } from "./lambda";
import { awsNames } from "./names";
import type { BucketRef, QueueRef, TableRef } from "./refs";
import { consumedQueueArns, readLargeMessages, workerEnvironment } from "./worker-environment";

/** Lambda's smallest `maximumConcurrency` for an SQS event source mapping. */
const minimumMappingConcurrency = 2;

export interface FunctionWorkerArgs extends AwsPlacement {
    /** The worker's spec (`kind: function`). */
    worker: WorkerSpecInput | WorkerSpec;
    /** The queue it consumes; with `levels`, one event source mapping per level. */
    queue: QueueRef;
    /** The table for results and idempotency records. */
    table: TableRef;
    /** Lambda timeout. @default worker.timeoutSeconds, else 30 */
    timeoutSeconds?: number;
    /** The queue's visibility timeout (must be >= 6 x timeoutSeconds; the stack derives it). */
    visibilityTimeoutSeconds: number;
    /** Days results are kept. @default 30 */
    resultTtlDays?: number;
    /** Bucket of claim-checked bodies, read before the handler runs. @default undefined (no claim check) */
    largeMessages?: BucketRef;
}

/**
 * Function workers on AWS: a Lambda fed by an SQS event source mapping that reports partial batch
 * failures (only failed messages return to the queue), with the spec's batch size, batching window
 * and maximum concurrency. With priority levels, one mapping per level splits the concurrency by
 * weight (levelShares, at least 2 each), so no level starves. Its role may only consume its own
 * queues, write its own table and read claim-checked bodies.
 */
export class FunctionWorker extends pulumi.ComponentResource {
    readonly function: aws.lambda.Function;
    readonly role: aws.iam.Role;
    /** The mapping of the queue, or of its highest level. */
    readonly eventSourceMapping: aws.lambda.EventSourceMapping;
    /** One mapping per level, highest first (one without priorities). */
    readonly eventSourceMappings: aws.lambda.EventSourceMapping[];
    readonly functionName: pulumi.Output<string>;

    constructor(name: string, args: FunctionWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        const worker = parseSpecPart(workerSchema, args.worker, `function worker "${name}"`);
        super("queuestack:aws:FunctionWorker", name, {}, opts);
        const { name: physical, globalName, tags, tracing } = placement(args, "worker");
        const timeoutSeconds = args.timeoutSeconds ?? worker.timeoutSeconds ?? 30;
        const { fn, role } = nodeFunction(
            name,
            {
                functionName: physical(awsNames.lambdaFunction, worker.name),
                roleName: globalName(this, awsNames.iamRole, worker.name),
                entry: workerEntries.awsLambdaWorker,
                handlerModule: worker.code,
                statements: [
                    { sid: "ConsumeOwnQueue", actions: consumeActions, resources: consumedQueueArns(args.queue) },
                    { sid: "WriteOwnTable", actions: tableActions, resources: [args.table.tableArn] },
                    ...readLargeMessages(args.largeMessages),
                ],
                environment: workerEnvironment({
                    worker,
                    queue: args.queue,
                    table: args.table,
                    timeoutSeconds,
                    visibilityTimeoutSeconds: args.visibilityTimeoutSeconds,
                    resultTtlDays: args.resultTtlDays ?? 30,
                    largeMessages: args.largeMessages,
                }),
                timeoutSeconds,
                memoryMb: worker.memoryMb,
                tags,
                tracing,
            },
            this,
        );
        this.function = fn;
        this.role = role;
        const levels = args.queue.levels;
        const shares = levels ? levelShares(worker.concurrency, levels, minimumMappingConcurrency) : [];
        const sources = levels
            ? levels.map((l, i) => ({ suffix: `-${l.level}`, arn: l.arn, concurrency: shares[i]! }))
            : [{ suffix: "", arn: args.queue.arn, concurrency: worker.concurrency }];
        this.eventSourceMappings = sources.map(
            (source) =>
                new aws.lambda.EventSourceMapping(
                    `${name}${source.suffix}-source`,
                    {
                        eventSourceArn: source.arn,
                        functionName: fn.arn,
                        batchSize: worker.batchSize,
                        maximumBatchingWindowInSeconds: worker.batchWindowSeconds,
                        functionResponseTypes: ["ReportBatchItemFailures"],
                        scalingConfig: { maximumConcurrency: source.concurrency },
                    },
                    { parent: this },
                ),
        );
        this.eventSourceMapping = this.eventSourceMappings[0]!;
        this.functionName = fn.name;
        this.registerOutputs({ functionName: this.functionName });
    }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { workerEntries } from "../build/bundle";
import { type WorkerSpec, type WorkerSpecInput, parseSpecPart, workerSchema } from "../spec";
import { type AwsPlacement, placement } from "./context";
import { consumeActions, tableActions } from "./iam";
import { nodeFunction } from "./lambda";
import { awsNames } from "./names";
import type { QueueRef, TableRef } from "./refs";
import { workerEnvironment } from "./worker-environment";

export interface FunctionWorkerArgs extends AwsPlacement {
    /** The worker's spec (`kind: function`). */
    worker: WorkerSpecInput | WorkerSpec;
    /** The queue it consumes. */
    queue: QueueRef;
    /** The table for results and idempotency records. */
    table: TableRef;
    /** Lambda timeout. @default worker.timeoutSeconds, else 30 */
    timeoutSeconds?: number;
    /** The queue's visibility timeout (must be >= 6 x timeoutSeconds; the stack derives it). */
    visibilityTimeoutSeconds: number;
    /** Days results are kept. @default 30 */
    resultTtlDays?: number;
}

/**
 * Function workers on AWS: a Lambda fed by an SQS event source mapping that reports partial batch
 * failures (only failed messages return to the queue), with the spec's batch size, batching window
 * and maximum concurrency. Its role may only consume its own queue and write its own table.
 */
export class FunctionWorker extends pulumi.ComponentResource {
    readonly function: aws.lambda.Function;
    readonly role: aws.iam.Role;
    readonly eventSourceMapping: aws.lambda.EventSourceMapping;
    readonly functionName: pulumi.Output<string>;

    constructor(name: string, args: FunctionWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        const worker = parseSpecPart(workerSchema, args.worker, `function worker "${name}"`);
        super("queuestack:aws:FunctionWorker", name, {}, opts);
        const { name: physical, tags } = placement(args, "worker");
        const timeoutSeconds = args.timeoutSeconds ?? worker.timeoutSeconds ?? 30;
        const { fn, role } = nodeFunction(
            name,
            {
                functionName: physical(awsNames.lambdaFunction, worker.name),
                entry: workerEntries.awsLambdaWorker,
                handlerModule: worker.code,
                statements: [
                    { sid: "ConsumeOwnQueue", actions: consumeActions, resources: [args.queue.arn] },
                    { sid: "WriteOwnTable", actions: tableActions, resources: [args.table.tableArn] },
                ],
                environment: workerEnvironment({
                    worker,
                    queue: args.queue,
                    table: args.table,
                    timeoutSeconds,
                    visibilityTimeoutSeconds: args.visibilityTimeoutSeconds,
                    resultTtlDays: args.resultTtlDays ?? 30,
                }),
                timeoutSeconds,
                memoryMb: worker.memoryMb,
                tags,
            },
            this,
        );
        this.function = fn;
        this.role = role;
        this.eventSourceMapping = new aws.lambda.EventSourceMapping(
            `${name}-source`,
            {
                eventSourceArn: args.queue.arn,
                functionName: fn.arn,
                batchSize: worker.batchSize,
                maximumBatchingWindowInSeconds: worker.batchWindowSeconds,
                functionResponseTypes: ["ReportBatchItemFailures"],
                scalingConfig: { maximumConcurrency: worker.concurrency },
            },
            { parent: this },
        );
        this.functionName = fn.name;
        this.registerOutputs({ functionName: this.functionName });
    }
}

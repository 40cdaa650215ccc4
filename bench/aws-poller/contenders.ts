/**
 * The consumers under test, each started on a fed queue and timed until every message is
 * deleted: queuestack's VM poller (SqsPoller behind the worker runtime, as workers/aws/vm-poller.ts
 * builds it) and the sqs-consumer library.
 */
import { Consumer } from "sqs-consumer";
import { SqsPoller } from "../../workers/aws/poller";
import { queueNameOf } from "../../workers/aws/sqs-message";
import { createLogger, createProcessor, defineWorker, readRuntimeSettings } from "../../workers/runtime";
import type { Moto } from "../../test/workers/helpers/moto";
import { queueSettings, type BenchOptions } from "./workload";

/** A consumer on one queue, run until every message is handled and deleted. */
export interface ContenderRun {
    /** Seconds from start until the last message was deleted. */
    seconds: number;
    /** Successful deletes the consumer reports (a redelivered message counts again). */
    deleted: number;
}

/** What a contender needs: the queue, the moto clients, the shared handler. */
export interface ContenderContext {
    moto: Moto;
    queueUrl: string;
    options: BenchOptions;
    handle: (body: { n: number }) => Promise<void>;
    /** Resolves once every message was handled and the queue is empty (the clock stops there). */
    done: () => Promise<void>;
}

/**
 * queuestack's VM poller: one SqsPoller at `concurrency` running the worker runtime's processor
 * (decode, deadline, outcome, as awsWorkerFromEnv builds it) with the idempotency guard off and no
 * job store, since sqs-consumer has neither: nothing but SQS calls besides the handler.
 */
export async function runQueuestackPoller({ moto, queueUrl, options, handle, done }: ContenderContext): Promise<ContenderRun> {
    const logger = createLogger({ name: "bench-vm-poller", level: "warn" });
    const worker = defineWorker<{ n: number }>({ handle: ({ body }) => handle(body) });
    const settings = readRuntimeSettings({ QUEUESTACK_IDEMPOTENCY_ENABLED: "false", QUEUESTACK_RESULT_TTL_DAYS: "1", QUEUESTACK_WORKER_TIMEOUT_SECONDS: "10" });
    const processor = createProcessor({ worker, settings, logger, scope: queueNameOf(queueUrl) });
    const poller = new SqsPoller({
        processor,
        sqs: moto.sqs,
        queueUrl,
        logger,
        concurrency: options.concurrency,
        visibilityTimeoutSeconds: queueSettings.visibilityTimeoutSeconds,
        waitSeconds: queueSettings.waitTimeSeconds,
    });
    const started = performance.now();
    const running = poller.run();
    await done();
    const seconds = (performance.now() - started) / 1000;
    const counts = await poller.stop();
    await running;
    return { seconds, deleted: counts.deleted };
}

/**
 * sqs-consumer at its fastest settings: each consumer receives 10 at a time (batchSize, the SQS
 * maximum) with no pause between polls (pollingWaitTimeMs 0), the batch handler running the 10
 * messages at once and deleting them in one DeleteMessageBatch. sqs-consumer has no concurrency
 * option beyond batchSize: one consumer receives its next batch only when the whole previous batch
 * is done, so more in flight takes several consumers side by side.
 */
export function sqsConsumers(count: number) {
    return (context: ContenderContext) => runSqsConsumers(context, count);
}

async function runSqsConsumers({ moto, queueUrl, handle, done }: ContenderContext, count: number): Promise<ContenderRun> {
    let deleted = 0;
    const consumers = Array.from({ length: count }, () => {
        const consumer = Consumer.create({
            queueUrl,
            sqs: moto.sqs,
            batchSize: 10,
            waitTimeSeconds: queueSettings.waitTimeSeconds,
            pollingWaitTimeMs: 0,
            handleMessageBatch: async (messages) => {
                await Promise.all(messages.map((message) => handle(JSON.parse(message.Body ?? "null"))));
                return messages;
            },
        });
        consumer.on("message_processed", () => deleted++);
        const report = (event: string) => (error: Error) => {
            process.stderr.write(`sqs-consumer ${event}: ${error.message}\n`);
        };
        consumer.on("error", report("error"));
        consumer.on("processing_error", report("processing_error"));
        consumer.on("timeout_error", report("timeout_error"));
        return consumer;
    });
    const started = performance.now();
    for (const consumer of consumers) consumer.start();
    await done();
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(
        consumers.map((consumer) => {
            const stopped = new Promise((resolve) => consumer.once("stopped", resolve));
            consumer.stop({ abort: true });
            return stopped;
        }),
    );
    return { seconds, deleted };
}

/**
 * Throughput of queuestack's AWS VM poller against the sqs-consumer library on moto SQS: the same
 * handler (simulated I/O), the same feeder, a fresh queue each, in one run: our poller, one
 * sqs-consumer at its best settings, and as many sqs-consumers side by side as it takes to match
 * our messages in flight. Not part of `npm test`.
 *
 *     npm run bench:aws-poller -- [--messages 2000] [--concurrency 50] [--handler-ms 20] [--backlog 100]
 *
 * Needs moto_server on PATH (pip install 'moto[server]'); it is started here on a free 127.0.0.1
 * port and stopped at the end.
 */
import { Command, InvalidArgumentError } from "commander";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type * as MotoHelpers from "../../test/workers/helpers/moto";
import { runQueuestackPoller, sqsConsumers, type ContenderContext, type ContenderRun } from "./contenders";
import { allHandledAndDeleted, Feeder, queueSettings, Tally, type BenchOptions } from "./workload";

/** A commander parser for whole numbers of at least 1 that are multiples of `step`. */
function wholeNumber(step = 1) {
    return (value: string): number => {
        const n = Number(value);
        const ok = Number.isInteger(n) && n >= 1 && n % step === 0;
        if (!ok) throw new InvalidArgumentError(`"${value}" is not a positive whole number${step > 1 ? ` divisible by ${step}` : ""}.`);
        return n;
    };
}

const options = new Command("bench:aws-poller")
    .option("--messages <n>", "messages per contender", wholeNumber(), 2000)
    .option("--concurrency <n>", "messages in flight at once, for each contender (sqs-consumer gets one consumer of batchSize 10 per 10)", wholeNumber(10), 50)
    .option("--handler-ms <n>", "simulated I/O per message, in ms", wholeNumber(), 20)
    .option("--backlog <n>", "unhandled messages the feeder keeps in the queue (0: queue all before starting)", (v: string) => (v === "0" ? 0 : wholeNumber()(v)), 100)
    .parse()
    .opts<BenchOptions>();

/** The test helper registers a mocha root hook when loaded; outside mocha that hook is a no-op. */
async function loadMotoHelpers(): Promise<typeof MotoHelpers> {
    const global = globalThis as { after?: unknown };
    global.after ??= () => undefined;
    return import("../../test/workers/helpers/moto");
}

async function depthOf(moto: MotoHelpers.Moto, queueUrl: string): Promise<number> {
    const { Attributes = {} } = await moto.sqs.send(
        new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
        }),
    );
    return Object.values(Attributes).reduce((sum, value) => sum + Number(value), 0);
}

interface Result extends ContenderRun {
    label: string;
    perSecond: number;
    lossFree: boolean;
    report: string;
}

async function bench(
    helpers: typeof MotoHelpers,
    moto: MotoHelpers.Moto,
    label: string,
    queueName: string,
    run: (context: ContenderContext) => Promise<ContenderRun>,
): Promise<Result> {
    const { url, dlqUrl } = await helpers.createQueueWithDlq(moto, queueName, queueSettings);
    const tally = new Tally();
    const feeder = new Feeder(moto, url, options.messages, options.backlog, tally);
    await feeder.prefill();
    const done = async () => {
        await feeding;
        await allHandledAndDeleted(tally, options.messages, () => depthOf(moto, url));
    };
    const feeding = feeder.run();
    const result = await run({ moto, queueUrl: url, options, handle: tally.handler(options.handlerMs), done });
    const { calls, distinct, missing, unexpected } = tally.summary(options.messages);
    const [depth, dlqDepth] = [await depthOf(moto, url), await depthOf(moto, dlqUrl)];
    const lossFree = distinct === options.messages && missing.length === 0 && unexpected.length === 0 && result.deleted >= options.messages && depth === 0 && dlqDepth === 0;
    const report =
        `  handled ${distinct}/${options.messages} distinct (${calls} handler calls, ${calls - distinct} repeats), ` +
        `missing ${missing.length}, unknown ${unexpected.length}, deleted ${result.deleted}, left in queue ${depth}, in DLQ ${dlqDepth}: ` +
        (lossFree ? "zero loss" : "LOSS OR MISCOUNT");
    return { ...result, label, perSecond: options.messages / result.seconds, lossFree, report };
}

async function main(): Promise<boolean> {
    const helpers = await loadMotoHelpers();
    if (!helpers.motoAvailable()) throw new Error("moto_server is not on PATH: install it with `pip install 'moto[server]'`.");
    const { messages, concurrency, handlerMs, backlog } = options;
    const feeding = backlog === 0 ? "all queued before the clock starts" : `fed so that at most ${backlog} unhandled messages wait in the queue`;
    process.stdout.write(
        `${messages} messages each, ${feeding}, ${handlerMs} ms simulated I/O per message, ` +
            `fresh standard queue each (visibility ${queueSettings.visibilityTimeoutSeconds} s, long polling ${queueSettings.waitTimeSeconds} s), one moto_server\n`,
    );
    const moto = await helpers.startMoto();
    const results: Result[] = [];
    try {
        const suffix = Date.now().toString(36);
        for (const [label, name, run] of [
            [`queuestack VM poller (SqsPoller, concurrency ${concurrency})`, "bench-queuestack", runQueuestackPoller],
            ["sqs-consumer (1 consumer, batchSize 10, batch handler)", "bench-sqs-consumer-1", sqsConsumers(1)],
            [`sqs-consumer (${concurrency / 10} consumers x batchSize 10, batch handler)`, "bench-sqs-consumer-n", sqsConsumers(concurrency / 10)],
        ] as const) {
            const result = await bench(helpers, moto, label, `${name}-${suffix}`, run);
            results.push(result);
            process.stdout.write(`${label.padEnd(62)} ${result.perSecond.toFixed(0).padStart(6)} msg/s   ${result.seconds.toFixed(2)} s\n${result.report}\n`);
        }
    } finally {
        // moto's child process is unref'd: a timer keeps this process alive until it has exited.
        const keepAlive = setInterval(() => undefined, 1000);
        await moto.stop();
        clearInterval(keepAlive);
    }
    const [ours, one, several] = results;
    process.stdout.write(`ratio queuestack / sqs-consumer (1 consumer, its best settings): ${(ours!.perSecond / one!.perSecond).toFixed(2)}x\n`);
    process.stdout.write(`ratio queuestack / sqs-consumer (${concurrency / 10} consumers, the same ${concurrency} in flight): ${(ours!.perSecond / several!.perSecond).toFixed(2)}x\n`);
    process.stdout.write(`reproduce: npm run bench:aws-poller -- --messages ${messages} --concurrency ${concurrency} --handler-ms ${handlerMs} --backlog ${backlog}\n`);
    return results.every((result) => result.lossFree);
}

main().then(
    (lossFree) => process.exit(lossFree ? 0 : 1),
    (error: unknown) => {
        process.stderr.write(`benchmark failed: ${(error as Error)?.stack ?? String(error)}\n`);
        process.exit(1);
    },
);

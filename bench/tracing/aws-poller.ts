import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { runQueuestackPoller } from "../aws-poller/contenders";
import { allHandledAndDeleted, Feeder, queueSettings, Tally, type BenchOptions } from "../aws-poller/workload";
import { startTracing } from "../../workers/runtime/tracing";
import type * as MotoHelpers from "../../test/workers/helpers/moto";

/** An OTLP/HTTP endpoint on 127.0.0.1 that accepts every export and keeps nothing: the exporter's full cost, no collector's. */
export async function startOtlpSink(): Promise<{ endpoint: string; requests: () => number; close: () => Promise<void> }> {
    let requests = 0;
    const server: Server = createServer((request, response) => {
        request.resume();
        request.on("end", () => {
            requests++;
            response.writeHead(200, { "content-type": "application/json" }).end("{}");
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { endpoint: `http://127.0.0.1:${port}`, requests: () => requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The test helper registers a mocha root hook when loaded; outside mocha that hook is a no-op. */
export async function loadMotoHelpers(): Promise<typeof MotoHelpers> {
    (globalThis as { after?: unknown }).after ??= () => undefined;
    return import("../../test/workers/helpers/moto");
}

/**
 * The AWS poller benchmark's workload (bench/aws-poller: a fresh moto queue fed so that at most
 * `backlog` messages wait, `handlerMs` of simulated I/O, SqsPoller at `concurrency`) once, with
 * tracing off or on. On, the runtime's tracer provider exports every span over OTLP/HTTP to `endpoint`
 * (batched, the SDK's defaults), as a deployed VM worker with OTEL_EXPORTER_OTLP_ENDPOINT does.
 * Returns messages per second.
 */
export async function benchPollerTracing(moto: MotoHelpers.Moto, helpers: typeof MotoHelpers, options: BenchOptions & { traced: boolean; endpoint: string; queueName: string }): Promise<number> {
    const { url } = await helpers.createQueueWithDlq(moto, options.queueName, queueSettings);
    const tracing = options.traced ? startTracing({ serviceName: "bench-poller", env: { OTEL_EXPORTER_OTLP_ENDPOINT: options.endpoint } }) : undefined;
    try {
        const tally = new Tally();
        const feeder = new Feeder(moto, url, options.messages, options.backlog, tally);
        await feeder.prefill();
        const depth = async () => {
            const { Attributes = {} } = await moto.sqs.send(new GetQueueAttributesCommand({
                QueueUrl: url,
                AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
            }));
            return Object.values(Attributes).reduce((sum, value) => sum + Number(value), 0);
        };
        const feeding = feeder.run();
        const result = await runQueuestackPoller({
            moto, queueUrl: url, options, handle: tally.handler(options.handlerMs),
            done: async () => {
                await feeding;
                await allHandledAndDeleted(tally, options.messages, depth);
            },
        });
        await tracing?.flush();
        return options.messages / result.seconds;
    } finally {
        await tracing?.shutdown();
    }
}

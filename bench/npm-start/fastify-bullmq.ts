/**
 * The end-to-end benchmark's contender: what a team would write with Fastify and BullMQ for the same
 * job. POST /queues/work/messages adds the body as a BullMQ job (jobId `m<body.i>`, so a repeated
 * item is not queued twice, as queuestack's idempotency guard would not run it twice) and answers
 * 202 with the job id; a Worker in the same process runs a no-op at concurrency 50 and keeps each
 * job (its record, like queuestack's job records). GET /bench/done answers how many jobs are done
 * and, with ?all=1, each job's id and the time it finished (ms since the epoch).
 * Run by run.ts as its own process: `node --import tsx fastify-bullmq.ts <redis port>`; prints
 * `Front end: http://127.0.0.1:<port>` once it listens.
 */
import Fastify from "fastify";
import { loadBullMq } from "../local-engine/bullmq";

interface BullMqForHttp {
    Queue: new (name: string, options: { connection: object }) => { add(name: string, data: unknown, opts: object): Promise<{ id?: string }> };
    Worker: new (name: string, processor: () => Promise<void>, options: { connection: object; concurrency: number }) => {
        on(event: "completed", listener: (job: { id?: string }) => void): void;
    };
}

async function main(): Promise<void> {
    const connection = { host: "127.0.0.1", port: Number(process.argv[2]), maxRetriesPerRequest: null };
    const { Queue, Worker } = loadBullMq() as unknown as BullMqForHttp;
    const queue = new Queue("work", { connection });
    const done = new Map<string, number>();
    const worker = new Worker("work", async () => undefined, { connection, concurrency: 50 });
    worker.on("completed", (job) => void done.set(job.id!, Date.now()));
    const app = Fastify();
    app.post<{ Body: { i: number } }>("/queues/work/messages", async (request, reply) => {
        const job = await queue.add("job", request.body, { jobId: `m${request.body.i}`, removeOnComplete: { age: 86_400 } });
        return reply.code(202).send({ messageId: job.id });
    });
    app.get<{ Querystring: { all?: string } }>("/bench/done", async (request) => (request.query.all ? { done: [...done] } : { count: done.size }));
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    process.stdout.write(`Front end: ${url}\n`);
}

main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
});

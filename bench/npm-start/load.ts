import { Agent, request } from "node:http";

/** When each message was sent (the POST's start) and accepted (its 202), ms since the epoch, by the id the 202 named. */
export interface Intake {
    sentAt: Map<string, number>;
    started: number;
    ended: number;
}

/**
 * The HTTP load generator: `messages` POSTs of `{ "i": n }` to `url`, `concurrency` at a time over
 * kept-alive connections (node:http), each answer required to be a 202 naming the message id.
 */
export async function postAll(url: string, messages: number, concurrency: number): Promise<Intake> {
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const post = (body: string) =>
        new Promise<{ status: number; text: string }>((resolve, reject) => {
            const call = request(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (answer) => {
                let text = "";
                answer.setEncoding("utf8");
                answer.on("data", (chunk: string) => (text += chunk));
                answer.on("end", () => resolve({ status: answer.statusCode ?? 0, text }));
                answer.on("error", reject);
            });
            call.on("error", reject);
            call.end(body);
        });
    const sentAt = new Map<string, number>();
    let next = 0;
    const started = Date.now();
    const lane = async () => {
        while (next < messages) {
            const i = next++;
            const at = Date.now();
            const { status, text } = await post(JSON.stringify({ i }));
            const messageId = (JSON.parse(text) as { messageId?: unknown }).messageId;
            if (status !== 202 || typeof messageId !== "string") throw new Error(`message ${i}: expected a 202 with a messageId, got ${status} ${text}`);
            sentAt.set(messageId, at);
        }
    };
    try {
        await Promise.all(Array.from({ length: concurrency }, lane));
    } finally {
        agent.destroy();
    }
    return { sentAt, started, ended: Date.now() };
}

/** What one contender achieved in one run. */
export interface EndToEnd {
    acceptedPerSecond: number;
    donePerSecond: number;
    p50Ms: number;
    p99Ms: number;
    /** Messages done by the time the last 202 came back: work the workers did while intake ran. */
    doneDuringIntake: number;
    /** p50 accept -> done of the messages sent in the first half of intake: high when intake starves the workers. */
    firstHalfP50Ms: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** The figures of a run, from each message's send time and done time. */
export function endToEnd(intake: Intake, doneAt: Map<string, number>): EndToEnd {
    const latencies: number[] = [];
    const firstHalf: number[] = [];
    const half = intake.started + (intake.ended - intake.started) / 2;
    let lastDone = 0;
    let doneDuringIntake = 0;
    for (const [id, sent] of intake.sentAt) {
        const done = doneAt.get(id);
        if (done === undefined) throw new Error(`message ${id} was accepted but never done`);
        latencies.push(done - sent);
        if (sent < half) firstHalf.push(done - sent);
        if (done <= intake.ended) doneDuringIntake++;
        lastDone = Math.max(lastDone, done);
    }
    latencies.sort((a, b) => a - b);
    firstHalf.sort((a, b) => a - b);
    const messages = intake.sentAt.size;
    return {
        acceptedPerSecond: messages / ((intake.ended - intake.started) / 1000),
        donePerSecond: messages / ((lastDone - intake.started) / 1000),
        p50Ms: quantile(latencies, 0.5),
        p99Ms: quantile(latencies, 0.99),
        doneDuringIntake,
        firstHalfP50Ms: quantile(firstHalf, 0.5),
    };
}

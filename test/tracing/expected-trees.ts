/**
 * The span trees every target must draw (spanTree's lines) for the two jobs of issue 20, shared by
 * the local, moto SQS, Pub/Sub emulator and Service Bus fake suites so the shape is one: the front
 * end's request, the send under it, each attempt under the send (linked to it) with its settlement
 * under it; after a redrive, a new trace linked to the send.
 */
const settle = (queue: string, name: string, attempt: number, reason?: string) =>
    `${name} ${queue} CLIENT attempt=${attempt}${reason !== undefined ? ` outcome.reason=${reason}` : ""} operation.type=settle destination.name=${queue}`;
const attemptLine = (queue: string, attempt: number, link: string, reason?: string) =>
    `process ${queue} CONSUMER attempt=${attempt} outcome=${reason !== undefined ? `retry outcome.reason=${reason}` : "done"} operation.type=process destination.name=${queue} links=[${link} ${queue}]`;

/** The request span's line: `POST /queues/{queue}/messages` (Azure Functions routes under `/api`). */
export const acceptLine = (prefix = "") => `POST ${prefix}/queues/{queue}/messages SERVER`;

/** A job that fails once (`reason`) and then succeeds. */
export function failsOnceTree(queue: string, reason: string, prefix = ""): string[] {
    return [
        acceptLine(prefix),
        `  send ${queue} PRODUCER operation.type=send destination.name=${queue}`,
        `    ${attemptLine(queue, 1, "send", reason)}`,
        `      ${settle(queue, "nack", 1, reason)}`,
        `    ${attemptLine(queue, 2, "send")}`,
        `      ${settle(queue, "ack", 2)}`,
    ];
}

/** A job that fails (`reason`) on each of its `attempts` (the queue's maxReceiveCount), is dead-lettered, redriven, and then succeeds. */
export function deadLetteredAndRedrivenTree(queue: string, reason: string, attempts: number, prefix = ""): string[] {
    const failures = Array.from({ length: attempts }, (_, i) => [
        `    ${attemptLine(queue, i + 1, "send", reason)}`,
        `      ${settle(queue, i + 1 === attempts ? "dead_letter" : "nack", i + 1, reason)}`,
    ]).flat();
    return [
        acceptLine(prefix),
        `  send ${queue} PRODUCER operation.type=send destination.name=${queue}`,
        ...failures,
        `redrive ${queue} PRODUCER operation.type=send destination.name=${queue} links=[send ${queue}]`,
        `  ${attemptLine(queue, 1, "redrive")}`,
        `    ${settle(queue, "ack", 1)}`,
    ];
}

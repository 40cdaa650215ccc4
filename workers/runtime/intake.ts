import { createHash, timingSafeEqual } from "node:crypto";

/** A client error: the status and `{ "error": message }` the front end answers with. */
export class IntakeError extends Error {
    override readonly name = "IntakeError";
    constructor(
        readonly statusCode: number,
        message: string,
    ) {
        super(message);
    }
}

/** 404 for a queue name the stack does not have, listing the ones it does. */
export function unknownQueueError(queueName: string, knownQueues: readonly string[]): IntakeError {
    return new IntakeError(404, `Unknown queue "${queueName}". Known queues: ${[...knownQueues].sort().join(", ")}.`);
}

/**
 * 400 for a message to a FIFO queue sent without a group key, naming every way to send one:
 * the header, the query parameter and, when the queue reads one from the body (spec
 * queues[].groupKey), that body path.
 */
export function missingGroupKeyError(queueName: string, bodyPath?: string): IntakeError {
    const ways = bodyPath === undefined
        ? "in the x-group-key header or the groupKey query parameter"
        : `in the x-group-key header, the groupKey query parameter or the message at ${bodyPath}`;
    return new IntakeError(400, `Queue "${queueName}" is FIFO: send a group key ${ways}.`);
}

/** 404 for `GET /jobs/{id}` when the store has no record of the message. */
export function jobNotFoundError(id: string): IntakeError {
    return new IntakeError(404, `No job record for message "${id}": it is still queued, or its record has expired.`);
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Checks the caller's `x-api-key` against the stack's key, in constant time; throws 401. */
export function checkApiKey(given: string | undefined, expected: string): void {
    if (given === undefined || given === "") {
        throw new IntakeError(401, "Missing x-api-key header. Send the stack's API key in the x-api-key header.");
    }
    // Equal-length digests keep the comparison constant-time whatever the key's length.
    if (!timingSafeEqual(digest(given), digest(expected))) {
        throw new IntakeError(401, "The x-api-key header does not match the stack's API key.");
    }
}

/**
 * The messages in a front-end request body: a JSON object (one message) or a JSON array of objects
 * (one message each). Throws 413 over `maxBodyBytes` and 400 for anything else, naming the fix.
 */
export function parseIntakeBody(body: Buffer, maxBodyBytes: number): { items: object[]; batch: boolean } {
    if (body.length > maxBodyBytes) {
        throw new IntakeError(413, `Request body is ${body.length} bytes; the limit is ${maxBodyBytes} bytes (spec frontEnd.maxBodyKb). Split the batch into smaller requests.`);
    }
    if (body.length === 0) throw new IntakeError(400, "Request body is empty. Send a JSON object, or a JSON array of objects to enqueue one message per item.");
    let parsed: unknown;
    try {
        parsed = JSON.parse(body.toString("utf8"));
    } catch (error) {
        const position = /at position (\d+)/.exec((error as Error).message)?.[1];
        const where = position === undefined ? "" : ` (error at character ${position})`;
        throw new IntakeError(400, `Request body is not valid JSON${where}. Send a JSON object, or a JSON array of objects.`);
    }
    const items: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    if (items.length === 0) throw new IntakeError(400, "Request body is an empty array. Send at least one item.");
    items.forEach((item, index) => {
        if (item === null || typeof item !== "object" || Array.isArray(item)) {
            const kind = item === null ? "null" : Array.isArray(item) ? "an array" : `a ${typeof item}`;
            const where = Array.isArray(parsed) ? `Item ${index} of the array` : "The request body";
            throw new IntakeError(400, `${where} is ${kind}; each message must be a JSON object, e.g. {"url": "https://example.com/a"}.`);
        }
    });
    return { items: items as object[], batch: Array.isArray(parsed) };
}

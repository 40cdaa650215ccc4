import { isUtf8 } from "node:buffer";
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

/** 404 for `GET /jobs/{id}` when the store has no record of the message, not even its acceptance. */
export function jobNotFoundError(id: string): IntakeError {
    return new IntakeError(404, `No job "${id}": this front end never accepted a message with that id, or its record has expired (spec datastore.ttlDays). Use the messageId or statusUrl a POST answered with.`);
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

/** 413 for a request body of `bytes` (or more than `bytes`, when `atLeast`) over `maxBodyBytes`. */
export function bodyTooLargeError(bytes: number, maxBodyBytes: number, atLeast = false): IntakeError {
    return new IntakeError(413, `Request body is ${atLeast ? "over " : ""}${bytes} bytes; the limit is ${maxBodyBytes} bytes (spec frontEnd.maxBodyKb). Split the batch into smaller requests.`);
}

/**
 * Deepest nesting of arrays and objects a request body may have. Real messages nest a handful of
 * levels; the bound keeps a hostile body (thousands of `[`) from exhausting the stack of whatever
 * walks the parsed value recursively (JSON.stringify, the worker's own code).
 */
export const maxJsonDepth = 64;

/** Offset of the first byte of `body` that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8Byte(body: Buffer): number {
    let i = 0;
    while (i < body.length) {
        const lead = body[i]!;
        const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
        if (length === 0) return i;
        const prefix = body.subarray(i, i + length);
        if (prefix.length < length || !isUtf8(prefix)) return i;
        i += length;
    }
    return body.length;
}

/** How deep `text` (valid JSON) nests arrays and objects, stopping once past `limit`. */
function nestingDepth(text: string, limit: number): number {
    let depth = 0;
    let deepest = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
            if (c === 0x5c) i++; // backslash: skip the escaped character
            else if (c === 0x22) inString = false;
        } else if (c === 0x22) inString = true;
        else if (c === 0x5b || c === 0x7b) {
            deepest = Math.max(deepest, ++depth);
            if (deepest > limit) return deepest;
        } else if (c === 0x5d || c === 0x7d) depth--;
    }
    return deepest;
}

/**
 * The messages in a front-end request body: a JSON object (one message) or a JSON array of objects
 * (one message each). Throws 413 over `maxBodyBytes` and 400 for anything else, naming the fix:
 * a body that is not valid UTF-8 (it would be altered, not enqueued as sent), not JSON, or nested
 * deeper than `maxJsonDepth`.
 */
export function parseIntakeBody(body: Buffer, maxBodyBytes: number): { items: object[]; batch: boolean } {
    if (body.length > maxBodyBytes) throw bodyTooLargeError(body.length, maxBodyBytes);
    if (body.length === 0) throw new IntakeError(400, "Request body is empty. Send a JSON object, or a JSON array of objects to enqueue one message per item.");
    if (!isUtf8(body)) {
        const at = firstInvalidUtf8Byte(body);
        throw new IntakeError(400, `Request body is not valid UTF-8 (byte ${at} is 0x${body[at]!.toString(16).padStart(2, "0")}); it would not reach the worker as sent. Send JSON encoded as UTF-8.`);
    }
    const text = body.toString("utf8");
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (error) {
        const position = /at position (\d+)/.exec((error as Error).message)?.[1];
        const where = position === undefined ? "" : ` (error at character ${position})`;
        throw new IntakeError(400, `Request body is not valid JSON${where}. Send a JSON object, or a JSON array of objects.`);
    }
    if (nestingDepth(text, maxJsonDepth) > maxJsonDepth) {
        throw new IntakeError(400, `Request body nests arrays and objects more than ${maxJsonDepth} levels deep. Flatten the message to at most ${maxJsonDepth} levels.`);
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

import { bodyPathFields, valueAtFields } from "./body-path";
import { IntakeError, missingGroupKeyError } from "./intake";

/** How a front end routes messages to one spec queue (from the spec, via the components' settings). */
export interface RoutingOptions {
    /** The queue keeps groups in order (spec `ordering: fifo`): every message needs a group key. */
    fifo: boolean;
    /** Priority level names, highest first (spec `priorities.levels[].name`). Omit for a queue without levels. */
    levels?: string[];
    /** Level used when the sender names none. @default the last (lowest) level */
    defaultLevel?: string;
    /** Longest per-message delay a sender may ask for, seconds (spec `maxDelaySeconds`); 0 takes none. */
    maxDelaySeconds: number;
    /** `body.<path>` the group key is read from when the request carries none (spec `groupKey`). */
    groupKey?: string;
    /** `body.<path>` the deduplication id is read from when the request carries none (spec `deduplicationKey`). */
    deduplicationKey?: string;
}

/** The parts of an HTTP request routing reads; each adapter wraps its own request type. */
export interface RequestParts {
    /** A header's value; `name` is lower-case and must match case-insensitively. Undefined when absent. */
    header(name: string): string | undefined;
    /** A query parameter's value (the first when repeated). Undefined when absent. */
    query(name: string): string | undefined;
}

/** Where and how one message is sent. Absent fields mean "none". */
export interface MessageRouting {
    /** Priority level (the physical queue `<queue>-<level>`); absent on a queue without levels. */
    level?: string;
    /** Seconds before the message may be delivered; 0 for at once. */
    delaySeconds: number;
    /** FIFO group key; present exactly when the queue is FIFO. */
    groupKey?: string;
    /** Deduplication id the queue keys on. */
    deduplicationId?: string;
    /** The sender's correlation id (`x-correlation-id`); absent when not sent (the job id stands in). */
    correlationId?: string;
}

/** Longest group key, deduplication id or correlation id: the smallest cloud limit (SQS, Service Bus). */
const maxIdLength = 128;
/** Visible ASCII: what SQS group and deduplication ids may hold, so ids mean the same on every target. */
const idPattern = new RegExp(`^[\\x21-\\x7E]{1,${maxIdLength}}$`);

/** The first non-blank value of a query parameter, then a header; trimmed. */
function given(request: RequestParts, headerName: string, queryName?: string): string | undefined {
    for (const value of [queryName === undefined ? undefined : request.query(queryName), request.header(headerName)]) {
        if (value !== undefined && value.trim() !== "") return value.trim();
    }
    return undefined;
}

/** Shows a received value in an error: quoted, long values cut. */
function shown(value: string): string {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
}

/** `value` when it is a valid id; else 400 naming where it came from. */
function checkedId(value: string, source: string): string {
    if (!idPattern.test(value)) {
        throw new IntakeError(400, `${source} must be 1 to ${maxIdLength} visible ASCII characters, i.e. letters, digits and punctuation without spaces (got ${shown(value)}, ${value.length} characters). Send an id of that form.`);
    }
    return value;
}

/** Reads a spec `body.<path>` from a body; a malformed path is a bug in the stack's settings. */
function fromBody(item: object, path: string): string | undefined {
    const fields = bodyPathFields(path);
    if (!fields) throw new Error(`routing: "${path}" is not a body.<field>[.<field>...] path`);
    return valueAtFields(item, fields);
}

function levelOf(queueName: string, options: RoutingOptions, request: RequestParts): string | undefined {
    const asked = given(request, "x-priority", "priority");
    const levels = options.levels;
    if (!levels || levels.length === 0) {
        if (asked === undefined) return undefined;
        throw new IntakeError(400, `Queue "${queueName}" has no priority levels (got priority ${shown(asked)}). Send no x-priority header or priority query parameter, or add priorities to the queue (spec queues[].priorities).`);
    }
    const fallback = options.defaultLevel ?? levels[levels.length - 1]!;
    if (asked === undefined) return fallback;
    if (!levels.includes(asked)) {
        throw new IntakeError(400, `Queue "${queueName}" has no priority level ${shown(asked)}. Its levels, highest first: ${levels.join(", ")}. Send one of them in the x-priority header or the priority query parameter, or none for the default (${fallback}).`);
    }
    return asked;
}

function delayOf(queueName: string, options: RoutingOptions, request: RequestParts): number {
    const asked = given(request, "x-delay-seconds", "delaySeconds");
    if (asked === undefined) return 0;
    const max = options.maxDelaySeconds;
    if (!/^\d+$/.test(asked)) {
        throw new IntakeError(400, `The delay (x-delay-seconds header or delaySeconds query parameter) must be a whole number of seconds from 0 to ${max} (got ${shown(asked)}). Send e.g. x-delay-seconds: 60.`);
    }
    const seconds = Number(asked);
    if (seconds > max) {
        throw new IntakeError(400, max === 0
            ? `Queue "${queueName}" takes no per-message delay (got ${seconds} s): its spec queues[].maxDelaySeconds is 0. Send no delay, or raise queues[].maxDelaySeconds.`
            : `Delay of ${seconds} s is over queue "${queueName}"'s limit of ${max} s (spec queues[].maxDelaySeconds). Send 0 to ${max}, or raise queues[].maxDelaySeconds.`);
    }
    return seconds;
}

function groupKeyOf(queueName: string, options: RoutingOptions, request: RequestParts, item: object): string | undefined {
    if (!options.fifo) return undefined;
    const sent = given(request, "x-group-key", "groupKey");
    if (sent !== undefined) return checkedId(sent, "The group key (x-group-key header or groupKey query parameter)");
    const read = options.groupKey === undefined ? undefined : fromBody(item, options.groupKey);
    if (read === undefined) throw missingGroupKeyError(queueName, options.groupKey);
    return checkedId(read, `The group key at ${options.groupKey}`);
}

function deduplicationIdOf(queueName: string, options: RoutingOptions, request: RequestParts, item: object, index: number): string | undefined {
    const sent = given(request, "x-deduplication-id", "deduplicationId");
    if (sent !== undefined) {
        // One id for a whole batch: item i > 0 gets "<id>-<i>", so the items do not drop each other as duplicates.
        if (index === 0) return checkedId(sent, "The deduplication id (x-deduplication-id header or deduplicationId query parameter)");
        return checkedId(`${sent}-${index}`, `The deduplication id of item ${index} (x-deduplication-id header plus "-${index}")`);
    }
    if (options.deduplicationKey === undefined) return undefined;
    const read = fromBody(item, options.deduplicationKey);
    if (read === undefined) {
        throw new IntakeError(400, `Queue "${queueName}" deduplicates by the sender's id: send it in the x-deduplication-id header or the message at ${options.deduplicationKey} (spec queues[].deduplicationKey).`);
    }
    return checkedId(read, `The deduplication id at ${options.deduplicationKey}`);
}

/**
 * Routes item `index` of a request to spec queue `queueName`:
 * - level: `x-priority` header / `priority` query parameter, else the default level
 * - delay: `x-delay-seconds` / `delaySeconds`, a whole number from 0 to `maxDelaySeconds`
 * - group key (FIFO only): `x-group-key` / `groupKey`, else the `groupKey` body path
 * - deduplication id: `x-deduplication-id` / `deduplicationId` (item i > 0 of a batch gets
 *   `<id>-<i>`), else the `deduplicationKey` body path
 * - correlation id: `x-correlation-id`
 * A query parameter wins over its header. Ids are 1-128 visible ASCII characters. Every rejection
 * is an `IntakeError` (400) saying what is wrong and how to fix it.
 */
export function routeMessage(queueName: string, options: RoutingOptions, request: RequestParts, item: object, index: number): MessageRouting {
    const level = levelOf(queueName, options, request);
    const delaySeconds = delayOf(queueName, options, request);
    const groupKey = groupKeyOf(queueName, options, request, item);
    const deduplicationId = deduplicationIdOf(queueName, options, request, item, index);
    const correlation = given(request, "x-correlation-id");
    const correlationId = correlation === undefined ? undefined : checkedId(correlation, "The x-correlation-id header");
    return {
        ...(level === undefined ? {} : { level }),
        delaySeconds,
        ...(groupKey === undefined ? {} : { groupKey }),
        ...(deduplicationId === undefined ? {} : { deduplicationId }),
        ...(correlationId === undefined ? {} : { correlationId }),
    };
}

/** The `wait` preference of a `Prefer` header (RFC 7240: `Prefer: respond-async, wait=10`). */
function preferredWait(prefer: string | undefined): string | undefined {
    for (const preference of (prefer ?? "").split(",")) {
        const [token, ...value] = preference.split(";")[0]!.split("=");
        if (token!.trim().toLowerCase() === "wait") return value.join("=").trim().replace(/^"(.*)"$/, "$1");
    }
    return undefined;
}

/**
 * Seconds the sender asked the front end to wait for the job's result: the `wait` query parameter,
 * else `Prefer: wait=N`; 0 when neither is sent. 400 for anything but a whole number from 0 to
 * `maxWaitSeconds` (spec frontEnd.maxWaitSeconds).
 */
export function requestedWaitSeconds(request: RequestParts, maxWaitSeconds: number): number {
    const query = request.query("wait");
    const asked = query !== undefined && query.trim() !== "" ? query.trim() : preferredWait(request.header("prefer"));
    if (asked === undefined) return 0;
    if (!/^\d+$/.test(asked)) {
        throw new IntakeError(400, `The wait (Prefer: wait=N header or wait query parameter) must be a whole number of seconds from 0 to ${maxWaitSeconds} (got ${shown(asked)}). Send e.g. Prefer: wait=10.`);
    }
    const seconds = Number(asked);
    if (seconds > maxWaitSeconds) {
        throw new IntakeError(400, maxWaitSeconds === 0
            ? `The front end does not wait for results (got wait=${seconds}): spec frontEnd.maxWaitSeconds is 0. Send no wait and poll the status URL, or raise frontEnd.maxWaitSeconds.`
            : `Wait of ${seconds} s is over the front end's limit of ${maxWaitSeconds} s (spec frontEnd.maxWaitSeconds). Ask for 0 to ${maxWaitSeconds}, or raise frontEnd.maxWaitSeconds.`);
    }
    return seconds;
}

/** Longest pause between two reads of `waitForJob`. */
const maxPollMs = 1000;

/** Resolves after `ms`, or at once when `ms` <= 0. */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Polls `read` until it returns a value or `seconds` pass: reads at once, then after `pollMs`,
 * pauses growing 1.5x up to 1 s, and once more at the deadline. Resolves the value, or undefined
 * when the time is up (0 seconds: at once, without reading). A read that throws or outlasts the
 * deadline counts as "not yet": the message is already accepted, so the caller answers 202 rather
 * than fail; log inside `read` to see such errors.
 */
export async function waitForJob<T>(read: () => Promise<T | undefined>, seconds: number, pollMs = 100): Promise<T | undefined> {
    if (!(seconds > 0)) return undefined;
    const deadline = Date.now() + seconds * 1000;
    let pause = pollMs;
    for (;;) {
        let timer: NodeJS.Timeout | undefined;
        const outOfTime = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()), undefined)));
        const value = await Promise.race([Promise.resolve().then(read).catch(() => undefined), outOfTime]);
        clearTimeout(timer);
        if (value !== undefined) return value;
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        await sleep(Math.min(pause, left));
        pause = Math.min(pause * 1.5, maxPollMs);
    }
}

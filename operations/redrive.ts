import { messagingSystems } from "../workers/runtime/tracing/semconv";
import { traceRedrive } from "../workers/runtime/tracing/spans";
import type { DeadLetterMessage, DeadLetterReader, OpsTarget, TakenMessage } from "./targets/types";
import { RateLimiter } from "./rate-limit";

/** Reports how far a long operation is. */
export interface Progress {
    start(total: number): void;
    increment(count: number): void;
    stop(): void;
}

/** How a redrive runs. */
export interface RedriveOptions {
    /** Only these message ids; all when undefined. */
    ids?: string[];
    /** Messages per second sent back to the source queue. @default no limit */
    ratePerSecond?: number;
    /** Messages taken from the dead-letter queue per round trip. @default 10 (the SQS maximum) */
    batchSize?: number;
    progress?: Progress;
    /** Expected total, for the progress bar. */
    expected?: number;
}

/** What a redrive did. */
export interface RedriveResult {
    moved: number;
    /** Selected ids that were not found in the dead-letter queue. */
    missing: string[];
    /** Messages left in the dead-letter queue because sending them now would lose them (see TakenMessage.notBefore). */
    deferred?: { count: number; until: Date };
    /** Selected messages left in the dead-letter queue because they are not jobs (see TakenMessage.unredrivable), by id. */
    unredrivable?: { id: string; why: string }[];
}

/**
 * Moves dead letters back to their source queue, batch by batch: take from the dead-letter queue,
 * send to the source in the order taken (which keeps FIFO group order), then remove from the
 * dead-letter queue. A message is removed only after its copy is sent, so a crash mid-way can
 * duplicate a message but never lose one. Messages not selected are held until the end and then
 * released, so each is looked at once.
 */
export async function redrive(target: OpsTarget, queue: string, options: RedriveOptions = {}): Promise<RedriveResult> {
    const reader = target.deadLetters(queue);
    const wanted = options.ids ? new Set(options.ids) : undefined;
    const limiter = new RateLimiter(options.ratePerSecond);
    const batchSize = Math.min(options.batchSize ?? 10, options.ratePerSecond ? Math.max(1, Math.floor(options.ratePerSecond)) : Infinity);
    const held: TakenMessage[] = [];
    const seen = new Set<string>();
    // Groups with a message that must wait: the rest of the group waits too, to keep its order.
    const waitingGroups = new Set<string>();
    const deferred: TakenMessage[] = [];
    const refused: { id: string; why: string }[] = [];
    let moved = 0;
    options.progress?.start(wanted?.size ?? options.expected ?? 0);
    try {
        while (!wanted || moved < wanted.size) {
            const batch = await reader.take(batchSize);
            const fresh = batch.filter((m) => !seen.has(m.id));
            // A message seen before came back (its hold ran out): release it at the end too.
            held.push(...batch.filter((m) => seen.has(m.id)));
            if (fresh.length === 0) break;
            for (const m of fresh) seen.add(m.id);
            const now = Date.now();
            const mustWait = (m: TakenMessage) => (m.notBefore !== undefined && m.notBefore.getTime() > now) || (m.groupKey !== undefined && waitingGroups.has(m.groupKey));
            const selected = fresh.filter((m) => !wanted || wanted.has(m.id)).filter((m) => {
                if (m.unredrivable !== undefined) {
                    refused.push({ id: m.id, why: m.unredrivable });
                    return false;
                }
                if (!mustWait(m)) return true;
                if (m.groupKey !== undefined) waitingGroups.add(m.groupKey);
                deferred.push(m);
                return false;
            });
            held.push(...fresh.filter((m) => !selected.includes(m)));
            if (selected.length === 0) continue;
            await limiter.take(selected.length);
            // Each batch under a redrive span linked to each message's earlier trace; the copies carry it as their trace context.
            await traceRedrive({ system: messagingSystems[target.cloud], queue }, selected, async (attributes) => {
                const redriven = selected.map((m, i) => ({ ...m, attributes: attributes[i]! }));
                if (reader.moveBack) {
                    await reader.moveBack(redriven);
                } else {
                    await target.send(queue, redriven.map(contentOf));
                    await reader.remove(selected);
                }
            });
            moved += selected.length;
            options.progress?.increment(selected.length);
        }
    } finally {
        options.progress?.stop();
        await reader.release(held);
    }
    const until = Math.max(...deferred.map((m) => m.notBefore?.getTime() ?? 0));
    return {
        moved,
        missing: wanted ? [...wanted].filter((id) => !seen.has(id)) : [],
        ...(deferred.length > 0 ? { deferred: { count: deferred.length, until: new Date(until) } } : {}),
        ...(refused.length > 0 ? { unredrivable: refused } : {}),
    };
}

/** The dead letters, oldest first, up to `limit`; each is released again afterwards. */
export async function listDeadLetters(reader: DeadLetterReader, limit: number): Promise<DeadLetterMessage[]> {
    const taken: TakenMessage[] = [];
    const seen = new Set<string>();
    try {
        while (taken.length < limit) {
            const batch = await reader.take(Math.min(10, limit - taken.length));
            taken.push(...batch);
            const fresh = batch.filter((m) => !seen.has(m.id));
            if (fresh.length === 0) break;
            for (const m of fresh) seen.add(m.id);
        }
    } finally {
        await reader.release(taken);
    }
    const unique = new Map(taken.map((m) => [m.id, m]));
    return [...unique.values()].slice(0, limit).map(({ handle: _handle, ...message }) => message);
}

function contentOf(message: TakenMessage) {
    return {
        body: message.body,
        attributes: message.attributes,
        ...(message.groupKey !== undefined ? { groupKey: message.groupKey } : {}),
        ...(message.deduplicationId !== undefined ? { deduplicationId: message.deduplicationId } : {}),
        ...(message.nativeAttributes !== undefined ? { nativeAttributes: message.nativeAttributes } : {}),
    };
}

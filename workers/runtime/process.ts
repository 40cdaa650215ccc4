import { checkOut, type BlobStore } from "./claim-check";
import type { WorkerDefinition } from "./define-worker";
import { describeError, isPermanent } from "./errors";
import { completion, fromCompletion, idempotencyKeyOf, IdempotencyKeyError, type WorkerStore } from "./idempotency";
import type { Logger } from "./log";
import type { Message, RawMessage } from "./message";
import { correlationAttribute } from "./priority";
import type { RuntimeSettings } from "./settings";
import { traceAttempt, type SettleFromOutcome } from "./tracing/spans";

/** What became of one delivery; each adapter maps it onto its cloud. */
export type Outcome =
    /** The handler succeeded: delete / complete / ack the message. */
    | { kind: "done"; result: unknown }
    /** The work was already done by an earlier delivery: delete / complete / ack, do not run again. */
    | { kind: "duplicate"; result: unknown }
    /**
     * Try again later: leave / abandon / nack the message; the queue redelivers or dead-letters it.
     * `heldUntil`: another delivery holds the message's idempotency key until then (its lease), so
     * no retry can run the handler before; an adapter may wait and run the delivery again.
     */
    | { kind: "retry"; reason: string; heldUntil?: Date }
    /** Retrying cannot help: dead-letter with `reason` where the cloud allows, else fail fast. */
    | { kind: "dead-letter"; reason: string };

/** What a processor needs. */
export interface ProcessorOptions {
    /** The worker module's default export. */
    worker: WorkerDefinition<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    settings: RuntimeSettings;
    /** Idempotency keys and job records. Required when the guard is enabled. */
    store?: WorkerStore;
    logger: Logger;
    /** Prefix of idempotency keys so workers sharing one datastore never collide (e.g. the queue name). */
    scope: string;
    /**
     * Where claim-checked bodies are (spec largeMessages). A claim-check reference is replaced by its
     * stored body before decoding, so the handler sees the body the sender sent.
     * @default none: a reference is dead-lettered with the reason
     */
    blobStore?: BlobStore;
    /** `messaging.system` of the attempt spans (messagingSystems: aws_sqs, servicebus, gcp_pubsub, queuestack_local). @default none */
    messagingSystem?: string;
    /**
     * Record each attempt's settle span from its outcome (the cloud adapters, with the queue's
     * maxReceiveCount from QUEUESTACK_MAX_RECEIVE_COUNT when set). @default none: the adapter records
     * its own (the local pool, from the engine's answer)
     */
    settleSpans?: SettleFromOutcome;
}

/** Runs one delivery to its outcome. Never throws: every failure becomes `retry` or `dead-letter`. */
export type Processor = (message: RawMessage, options?: { deadline?: Date }) => Promise<Outcome>;

class AttemptTimeout extends Error {
    override readonly name = "AttemptTimeout";
}

/** A processor for one worker: decode, guard, run with a deadline, record the outcome. */
export function createProcessor(options: ProcessorOptions): Processor {
    const { worker, settings, store, logger, scope, blobStore } = options;
    if (settings.idempotency.enabled && !store) {
        throw new Error("createProcessor: the idempotency guard is enabled but no store was given");
    }
    const keySource = worker.idempotencyKey ?? settings.idempotency.key;
    const leaseSeconds = settings.timeoutSeconds + 5;

    const record = async (id: string, status: "retrying" | "dead-letter", reason: string, attempt: number, log: Logger) => {
        try {
            await store?.putJob(id, { status, reason, attempt, at: new Date() }, settings.resultTtlSeconds);
        } catch (error) {
            log.warn({ err: error }, "could not record the failure reason");
        }
    };

    const destination = { ...(options.messagingSystem ? { system: options.messagingSystem } : {}), queue: scope };
    const processOne: Processor = async (raw, { deadline } = {}) => {
        const correlationId = raw.attributes[correlationAttribute];
        const log = logger.child({
            messageId: raw.id,
            attempt: raw.attempt,
            ...(raw.groupKey ? { groupKey: raw.groupKey } : {}),
            ...(correlationId ? { correlationId } : {}),
        });
        const started = Date.now();
        const finish = (outcome: Outcome): Outcome => {
            const fields = { outcome: outcome.kind, durationMs: Date.now() - started };
            if (outcome.kind === "retry" || outcome.kind === "dead-letter") log.warn({ ...fields, reason: outcome.reason }, "message failed");
            else log.info(fields, outcome.kind === "done" ? "message done" : "duplicate delivery suppressed");
            return outcome;
        };
        const deadLetter = async (reason: string) => {
            await record(raw.id, "dead-letter", reason, raw.attempt, log);
            return finish({ kind: "dead-letter", reason });
        };

        if (raw.attempt > 1 && store) {
            const earlier = await store.getJob(raw.id).catch(() => undefined);
            if (earlier?.status === "dead-letter") return finish({ kind: "dead-letter", reason: earlier.reason });
        }

        let body: string;
        try {
            body = await checkOut(raw.body, blobStore);
        } catch (error) {
            if (isPermanent(error)) return deadLetter(error.reason);
            return finish({ kind: "retry", reason: `the blob store failed: ${describeError(error)}` });
        }

        let message: Message<unknown>;
        try {
            const decoded: unknown = JSON.parse(body);
            message = { ...raw, body: worker.decodeBody ? worker.decodeBody(decoded) : decoded };
        } catch (error) {
            return deadLetter(`the message body is not valid input: ${describeError(error)}`);
        }

        let claim: { key: string; token: string } | undefined;
        if (settings.idempotency.enabled && store) {
            let key: string;
            try {
                key = `${scope}#${idempotencyKeyOf(message, keySource)}`;
            } catch (error) {
                if (error instanceof IdempotencyKeyError) return deadLetter(error.message);
                return deadLetter(`the idempotencyKey function threw: ${describeError(error)}`);
            }
            try {
                const claimed = await store.claim(key, leaseSeconds);
                if (claimed.status === "completed") {
                    // Another message (same key) did the work: this message's job shares its result and points at it.
                    const { result, messageId } = fromCompletion(claimed.result);
                    const duplicateOf = messageId !== undefined && messageId !== raw.id ? { duplicateOf: messageId } : {};
                    await store.putJob(raw.id, { status: "done", result, at: claimed.completedAt, ...duplicateOf }, settings.resultTtlSeconds).catch((error: unknown) => log.warn({ err: error }, "could not record the job"));
                    return finish({ kind: "duplicate", result });
                }
                if (claimed.status === "in-progress") {
                    return finish({ kind: "retry", reason: `another delivery holds ${key} until ${claimed.leaseExpiresAt.toISOString()}`, heldUntil: claimed.leaseExpiresAt });
                }
                claim = { key, token: claimed.token };
            } catch (error) {
                return finish({ kind: "retry", reason: `the idempotency store failed: ${describeError(error)}` });
            }
        }

        // The attempt's clock starts with the handler: a slow idempotency store must not eat the
        // handler's time (its claim's lease, timeout + 5 s, is counted from the claim).
        const handlerStarted = Date.now();
        const end = Math.min(handlerStarted + settings.timeoutSeconds * 1000, deadline?.getTime() ?? Infinity);
        const controller = new AbortController();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
                const ms = end - handlerStarted;
                const error = new AttemptTimeout(`the handler did not finish within ${ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`}`);
                controller.abort(error);
                reject(error);
            }, Math.max(0, end - Date.now()));
        });
        try {
            const context = { logger: log, signal: controller.signal, deadline: new Date(end) };
            const result = (await Promise.race([Promise.resolve().then(() => worker.handle(message, context)), timeout])) ?? null;
            clearTimeout(timer);
            try {
                // Both at once: one round trip (one commit on the local target) instead of two in a row.
                await Promise.all([
                    claim && store!.complete(claim.key, claim.token, completion(result, raw.id), settings.idempotency.ttlSeconds),
                    store?.putJob(raw.id, { status: "done", result, at: new Date() }, settings.resultTtlSeconds),
                ]);
            } catch (error) {
                log.error({ err: error }, "the work is done but its record could not be stored");
            }
            return finish({ kind: "done", result });
        } catch (error) {
            clearTimeout(timer);
            // A timed-out handler may still be running: keep its claim until the lease ends.
            if (claim && !(error instanceof AttemptTimeout)) await store!.release(claim.key, claim.token).catch(() => undefined);
            const reason = isPermanent(error) ? error.reason : describeError(error);
            if (isPermanent(error)) return deadLetter(reason);
            await record(raw.id, "retrying", reason, raw.attempt, log);
            return finish({ kind: "retry", reason });
        }
    };
    return (raw, processOptions) => traceAttempt(destination, raw, () => processOne(raw, processOptions), options.settleSpans);
}

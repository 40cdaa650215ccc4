import { describeError, WeightedPicker, type JobStore, type Logger, type Outcome, type Processor } from "../workers/runtime";
import type { QueueEngine } from "./engine/queue-engine";
import type { Delivery } from "./engine/types";
import { settledLocally } from "./tracing/local-spans";

/** One settled delivery, for metrics and alarms. */
export interface Settled {
    worker: string;
    queue: string;
    outcome: Outcome["kind"];
    /** What the queue did with a failed delivery. */
    disposition: "deleted" | "retry" | "dead-letter" | "stale";
    durationMs: number;
}

/** How a pool runs. */
export interface WorkerPoolOptions {
    /** The spec's worker name. */
    name: string;
    /** The spec queue the worker consumes (and, without `levels`, the engine queue it receives from). */
    queue: string;
    /**
     * The engine queues of the spec queue's priority levels, highest first, with their weights
     * (localLevels). The pool claims by smooth weighted round robin over the levels that have work.
     * @default the one engine queue named `queue`, weight 1
     */
    levels?: { queue: string; weight: number }[];
    engine: QueueEngine;
    /** The runtime's processor for the worker module (createProcessor). */
    processor: Processor;
    /** Messages processed at once (spec workers[].concurrency). */
    concurrency: number;
    logger: Logger;
    /** Job records: a message dead-lettered after its last retry is recorded as such. */
    jobs?: JobStore;
    /** How long job records are kept (spec datastore.ttlDays). @default 30 days */
    resultTtlSeconds?: number;
    /** Delay before retry n (1, 2, ...): `retryBaseSeconds * 2^(n-1)`, at most the visibility timeout. @default 1 */
    retryBaseSeconds?: number;
    /** How often an idle pool looks for due messages (delays, retries); sends wake it at once. @default 250 */
    pollIntervalMs?: number;
    /** Called once per settled delivery. */
    onSettled?: (settled: Settled) => void;
}

interface Running {
    delivery: Delivery;
    extendedAt: number;
}

/**
 * The local target's in-process worker pool for one worker: receives from the engine while it has
 * free slots (by weight across the priority levels that have work, see `levels`), runs each
 * delivery through the runtime's processor, deletes done messages (batched
 * into one commit per tick), releases failed ones with exponential backoff (the engine
 * dead-letters them after maxReceiveCount), dead-letters permanent failures at once, extends the
 * visibility of long runs, and on stop returns unfinished messages to the queue.
 */
export class WorkerPool {
    private readonly running = new Map<string, Running>();
    private deletes: string[] = [];
    private flushScheduled = false;
    private pumpScheduled = false;
    private timer: NodeJS.Timeout | undefined;
    private heartbeat: NodeJS.Timeout | undefined;
    private stopping = false;
    private unsubscribe: (() => void) | undefined;
    private readonly drained = new Set<() => void>();
    private readonly levels: string[];
    private readonly picker: WeightedPicker;

    constructor(private readonly options: WorkerPoolOptions) {
        if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${options.concurrency}`);
        const levels = options.levels ?? [{ queue: options.queue, weight: 1 }];
        this.levels = levels.map((l) => l.queue);
        this.picker = new WeightedPicker(levels.map((l) => l.weight));
    }

    /** Messages being processed now. */
    get inFlight(): number {
        return this.running.size;
    }

    /** Starts receiving. */
    start(): void {
        const { engine } = this.options;
        this.unsubscribe = engine.onSent((sentTo) => {
            if (this.levels.includes(sentTo)) this.schedulePump();
        });
        const visibilityMs = Math.min(...this.levels.map((level) => engine.config(level).visibilityTimeoutSeconds)) * 1000;
        const everyMs = Math.max(250, visibilityMs / 3);
        this.heartbeat = setInterval(() => this.extend(everyMs, visibilityMs), everyMs);
        this.heartbeat.unref();
        this.pump();
    }

    /**
     * Stops receiving, waits up to `drainSeconds` for running messages, then returns the rest to
     * the queue (visible at once, the delivery not counted). Returns how many were returned.
     */
    async stop(drainSeconds: number): Promise<number> {
        this.stopping = true;
        this.unsubscribe?.();
        clearTimeout(this.timer);
        clearInterval(this.heartbeat);
        if (this.running.size > 0) {
            await new Promise<void>((resolve) => {
                const timeout = setTimeout(resolve, drainSeconds * 1000);
                this.drained.add(() => {
                    clearTimeout(timeout);
                    resolve();
                });
            });
        }
        this.flushDeletes();
        const receipts = [...this.running.values()].map((r) => r.delivery.receipt);
        this.running.clear();
        const { engine } = this.options;
        const returned = receipts.length > 0 ? engine.group.runNow(() => engine.returnToQueue(receipts)) : 0;
        engine.group.flush();
        return returned;
    }

    /** Receives once per turn of the event loop, for everything that freed a slot in it. */
    private schedulePump(): void {
        if (this.pumpScheduled) return;
        this.pumpScheduled = true;
        setImmediate(() => {
            this.pumpScheduled = false;
            this.pump();
        });
    }

    private pump(): void {
        if (this.stopping) return;
        const { engine, concurrency, logger } = this.options;
        const free = concurrency - this.running.size;
        if (free <= 0) return;
        // Receive only messages that are on disk: commit the open group first (its senders' 202s
        // then go out a little earlier), rather than waiting for a turn with nothing uncommitted,
        // which never comes while requests keep arriving.
        if (engine.group.uncommitted.has("messages")) engine.group.flush();
        let deliveries: Delivery[];
        try {
            deliveries = engine.group.runNow(() => this.claim(free));
        } catch (error) {
            logger.error({ err: error, queue: this.options.queue }, "receive failed; trying again shortly");
            deliveries = [];
        }
        for (const delivery of deliveries) this.run(delivery);
        if (deliveries.length < free) {
            clearTimeout(this.timer);
            this.timer = setTimeout(() => this.pump(), this.options.pollIntervalMs ?? 250);
        }
    }

    /**
     * Receives up to `free` messages: all from the one queue, or with levels one at a time from
     * the level the weighted picker names among those with a visible message (asked before each
     * pick, so a level without work never takes a turn of the round robin).
     */
    private claim(free: number): Delivery[] {
        const { engine } = this.options;
        if (this.levels.length === 1) return engine.receive(this.levels[0]!, free);
        const deliveries: Delivery[] = [];
        const empty = new Set<number>();
        while (deliveries.length < free) {
            const level = this.picker.next((l) => !empty.has(l) && engine.hasVisible(this.levels[l]!));
            if (level === undefined) break;
            const received = engine.receive(this.levels[level]!, 1);
            if (received.length === 0) empty.add(level);
            deliveries.push(...received);
        }
        return deliveries;
    }

    private run(delivery: Delivery): void {
        const started = Date.now();
        this.running.set(delivery.receipt, { delivery, extendedAt: started });
        void this.options
            .processor(delivery)
            .catch((error): Outcome => ({ kind: "retry", reason: describeError(error) }))
            .then((outcome) => {
                if (!this.running.delete(delivery.receipt)) return; // returned to the queue by stop()
                const disposition = this.settle(delivery, outcome);
                settledLocally(this.options.queue, delivery, disposition, outcome);
                this.options.onSettled?.({ worker: this.options.name, queue: this.options.queue, outcome: outcome.kind, disposition, durationMs: Date.now() - started });
                if (this.running.size === 0) for (const resolve of this.drained) resolve();
                this.schedulePump();
            });
    }

    private settle(delivery: Delivery, outcome: Outcome): Settled["disposition"] {
        const { engine, logger } = this.options;
        try {
            if (outcome.kind === "done" || outcome.kind === "duplicate") {
                this.deletes.push(delivery.receipt);
                if (!this.flushScheduled) {
                    this.flushScheduled = true;
                    setImmediate(() => this.flushDeletes());
                }
                return "deleted";
            }
            if (outcome.kind === "dead-letter") return engine.group.runNow(() => engine.deadLetter(delivery.receipt, outcome.reason)) ? "dead-letter" : "stale";
            const visibility = engine.config(delivery.queue).visibilityTimeoutSeconds;
            const delay = Math.min(visibility, (this.options.retryBaseSeconds ?? 1) * 2 ** (delivery.attempt - 1));
            const disposition = engine.group.runNow(() => engine.release(delivery.receipt, outcome.reason, delay));
            if (disposition === "dead-letter") void this.recordDeadLetter(delivery, outcome.reason);
            return disposition;
        } catch (error) {
            logger.error({ err: error, messageId: delivery.id }, "could not settle the message; it becomes visible again after its visibility timeout");
            return "stale";
        }
    }

    private flushDeletes(): void {
        this.flushScheduled = false;
        const receipts = this.deletes;
        this.deletes = [];
        if (receipts.length === 0) return;
        try {
            this.options.engine.group.runNow(() => this.options.engine.delete(receipts));
        } catch (error) {
            this.options.logger.error({ err: error, count: receipts.length }, "delete failed; those messages will be redelivered and suppressed as duplicates");
        }
    }

    private async recordDeadLetter(delivery: Delivery, reason: string): Promise<void> {
        const ttl = this.options.resultTtlSeconds ?? 30 * 86_400;
        try {
            await this.options.jobs?.putJob(delivery.id, { status: "dead-letter", reason, attempt: delivery.attempt, at: new Date() }, ttl);
        } catch (error) {
            this.options.logger.warn({ err: error, messageId: delivery.id }, "could not record the dead-letter reason");
        }
    }

    /** Keeps long-running messages invisible: extends those not extended for `everyMs`. */
    private extend(everyMs: number, visibilityMs: number): void {
        const now = Date.now();
        for (const running of this.running.values()) {
            if (now - running.extendedAt < everyMs - 50) continue;
            running.extendedAt = now;
            const { engine } = this.options;
            engine.group.runNow(() => engine.changeVisibility(running.delivery.receipt, visibilityMs / 1000));
        }
    }
}

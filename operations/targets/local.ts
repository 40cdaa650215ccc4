import * as path from "node:path";
import { defaultLevelOf, type Spec } from "../../components/spec";
import { openDatabase, statement, type LocalDatabase } from "../../local/engine/database";
import { QueueEngine } from "../../local/engine/queue-engine";
import { localQueues } from "../../local/stack-settings";
import type { DeadLetterReader, MessageContent, OpsTarget, QueueStatus, TakenMessage } from "./types";

/** The SQLite file of a local stack's data directory (the runner's default is <project>/.queuestack/<stack>). */
export const localDatabaseFile = (dataDir: string) => path.join(dataDir, "queuestack.db");

/**
 * The local target: the stack's SQLite queue engine, opened beside a running local stack if there
 * is one (WAL lets both write). Redrive is the engine's own (one transaction per batch, message id,
 * group key and deduplication id kept).
 */
export class LocalTarget implements OpsTarget {
    readonly cloud = "local" as const;
    private readonly engine: QueueEngine;

    constructor(
        private readonly spec: Spec,
        private readonly db: LocalDatabase,
    ) {
        this.engine = new QueueEngine(db, localQueues(spec));
    }

    static open(spec: Spec, dataDir: string): LocalTarget {
        return new LocalTarget(spec, openDatabase(localDatabaseFile(dataDir)));
    }

    async status(name: string): Promise<QueueStatus> {
        const stats = this.engine.stats(this.engineQueue(name));
        return { visible: stats.visible + stats.delayed, inFlight: stats.inFlight, oldestAgeSeconds: stats.oldestAgeSeconds, deadLetters: stats.deadLetters };
    }

    deadLetters(name: string): DeadLetterReader {
        const queue = this.engineQueue(name);
        const dlq = this.engine.deadLetters;
        // Taken rows stay in the table until moved, so the next page starts after those still held.
        let held = 0;
        return {
            take: async (max) => {
                const page = dlq.list(queue, held + max).slice(held);
                held += page.length;
                return page.map(
                    (m): TakenMessage => ({
                        id: m.id,
                        body: m.body,
                        attributes: m.attributes,
                        ...(m.groupKey !== undefined ? { groupKey: m.groupKey } : {}),
                        attempts: m.receiveCount,
                        reason: m.reason,
                        sentAt: m.sentAt,
                        handle: m.id,
                    }),
                );
            },
            moveBack: async (messages) => {
                // The copies keep their id and take the attributes they are given (a redrive's trace context).
                const attributes = new Map(messages.map((m) => [m.id, m.attributes]));
                held -= dlq.redrive(queue, messages.map((m) => m.id), (id) => attributes.get(id));
            },
            remove: async (messages) => {
                held -= this.deleteDeadLetters(queue, messages.map((m) => m.id));
            },
            release: async () => {
                held = 0;
            },
        };
    }

    async send(name: string, messages: MessageContent[]): Promise<string[]> {
        const results = this.engine.sendBatch(
            this.engineQueue(name),
            messages.map((m) => ({
                body: m.body,
                attributes: m.attributes,
                ...(m.groupKey !== undefined ? { groupKey: m.groupKey } : {}),
                ...(m.deduplicationId !== undefined ? { deduplicationId: m.deduplicationId } : {}),
            })),
        );
        return results.map((r) => r.id);
    }

    async purgeDeadLetters(name: string): Promise<number> {
        const queue = this.engineQueue(name);
        this.engine.config(queue);
        return this.deleteDeadLetters(queue);
    }

    async close(): Promise<void> {
        this.db.close();
    }

    /**
     * The engine queue behind a spec queue: the queue itself, or for a queue with priority levels
     * its default level (`<queue>-<level>`), as the clouds' stack outputs point at the default level.
     */
    private engineQueue(name: string): string {
        const queue = this.spec.queues.find((q) => q.name === name);
        const level = queue && defaultLevelOf(queue);
        return level === undefined ? name : `${name}-${level}`;
    }

    /** The engine has no delete for dead letters (it only moves them back), so this one statement does it. */
    private deleteDeadLetters(queue: string, ids?: string[]): number {
        if (!ids) return statement(this.db, "DELETE FROM dead_letters WHERE queue = ?").run(queue).changes;
        const remove = statement(this.db, "DELETE FROM dead_letters WHERE queue = ? AND id = ?");
        return this.db.transaction(() => ids.reduce((n, id) => n + remove.run(queue, id).changes, 0))();
    }
}

import { createHash, randomUUID } from "node:crypto";
import type { ClaimResult, JobRecord, WorkerStore } from "../runtime";

/** An item as the store writes it; `pk` is the container's partition key (`/pk`). */
export interface StoredItem {
    id: string;
    pk: string;
    /** Seconds until Cosmos DB deletes the item (per-item TTL over the container's default). */
    ttl: number;
    /** When the item stops counting (epoch ms); reads ignore it from then on, whatever the clock. */
    expiresAt: number;
    [field: string]: unknown;
}

/** What a read returns: the item with its ETag, or no resource when it does not exist. */
export interface ItemRead {
    resource?: StoredItem & { _etag?: string };
}

/** An `IfMatch` precondition (the item's `_etag`). */
export interface ItemWriteOptions {
    accessCondition?: { type: "IfMatch"; condition: string };
}

/**
 * The part of `@azure/cosmos`'s `Container` the store uses; a real `Container` is one. Failures
 * throw errors carrying the HTTP status as `code` (409 conflict, 404 not found, 412 precondition).
 */
export interface CosmosContainerLike {
    items: {
        create(body: StoredItem): Promise<unknown>;
        upsert(body: StoredItem): Promise<unknown>;
    };
    item(id: string, partitionKeyValue: string): {
        read(): Promise<ItemRead>;
        replace(body: StoredItem, options?: ItemWriteOptions): Promise<unknown>;
        delete(options?: ItemWriteOptions): Promise<unknown>;
    };
}

export interface CosmosWorkerStoreOptions {
    /** The stack's container (env QUEUESTACK_COSMOS_CONTAINER), partitioned on `/pk`, TTL on. */
    container: CosmosContainerLike;
    /** The clock. @default () => new Date() */
    now?: () => Date;
}

/** The HTTP status a Cosmos DB error carries, if any. */
const cosmosStatus = (error: unknown): number | undefined => {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === "number" ? code : undefined;
};

/** Item ids may not contain / \ ? #, and keys (e.g. `<queue>#<url>`) often do: those are hashed. */
const itemId = (kind: string, key: string) =>
    `${kind}-${/^[A-Za-z0-9_.:-]{1,200}$/.test(key) ? key : createHash("sha256").update(key).digest("hex")}`;

/**
 * Idempotency keys and job records in the stack's Cosmos DB container. A claim creates the key's
 * item, which fails with 409 if it exists; an existing item whose lease or TTL has passed is
 * replaced only if its ETag is unchanged since it was read. Every item carries a per-item `ttl`,
 * so Cosmos DB deletes it once it stops counting; reads also ignore items past `expiresAt`.
 */
export class CosmosWorkerStore implements WorkerStore {
    private readonly container: CosmosContainerLike;
    private readonly now: () => Date;

    constructor(options: CosmosWorkerStoreOptions) {
        this.container = options.container;
        this.now = options.now ?? (() => new Date());
    }

    async claim(key: string, leaseSeconds: number): Promise<ClaimResult> {
        const id = itemId("idempotency", key);
        for (let tries = 0; tries < 3; tries++) {
            const token = randomUUID();
            const item = this.item(id, leaseSeconds, { key, state: "in-progress", token });
            try {
                await this.container.items.create(item);
                return { status: "claimed", token };
            } catch (error) {
                if (cosmosStatus(error) !== 409) throw error;
            }
            const existing = await this.read(id, { includeExpired: true });
            // Deleted by its TTL between the create and the read: create again.
            if (!existing) continue;
            if (existing.expiresAt > this.now().getTime()) {
                if (existing.state === "completed") {
                    return { status: "completed", result: existing.result ?? null, completedAt: new Date(existing.completedAt as number) };
                }
                return { status: "in-progress", leaseExpiresAt: new Date(existing.expiresAt) };
            }
            try {
                await this.container.item(id, id).replace(item, { accessCondition: { type: "IfMatch", condition: existing._etag ?? "" } });
                return { status: "claimed", token };
            } catch (error) {
                // Someone else replaced or removed it first: look again.
                if (![404, 412].includes(cosmosStatus(error) ?? 0)) throw error;
            }
        }
        throw new Error(`could not claim ${key}: its record kept changing`);
    }

    async complete(key: string, _token: string, result: unknown, ttlSeconds: number): Promise<void> {
        const id = itemId("idempotency", key);
        await this.container.items.upsert(this.item(id, ttlSeconds, { key, state: "completed", result: result ?? null, completedAt: this.now().getTime() }));
    }

    async release(key: string, token: string): Promise<void> {
        const id = itemId("idempotency", key);
        const existing = await this.read(id, { includeExpired: true });
        if (existing?.token !== token) return;
        try {
            await this.container.item(id, id).delete({ accessCondition: { type: "IfMatch", condition: existing._etag ?? "" } });
        } catch (error) {
            // The claim is no longer ours (lease expired and re-claimed, or already gone): leave it.
            if (![404, 412].includes(cosmosStatus(error) ?? 0)) throw error;
        }
    }

    async putJob(messageId: string, record: JobRecord, ttlSeconds: number): Promise<void> {
        const { at, ...rest } = record;
        await this.container.items.upsert(this.item(itemId("job", messageId), ttlSeconds, { messageId, record: rest, at: at.toISOString() }));
    }

    async getJob(messageId: string): Promise<JobRecord | undefined> {
        const item = await this.read(itemId("job", messageId));
        if (!item) return undefined;
        return { ...(item.record as object), at: new Date(item.at as string) } as JobRecord;
    }

    private item(id: string, ttlSeconds: number, fields: Record<string, unknown>): StoredItem {
        // Cosmos DB wants a whole number of seconds >= 1; `expiresAt` keeps the exact end.
        return { id, pk: id, ttl: Math.max(1, Math.ceil(ttlSeconds)), expiresAt: this.now().getTime() + ttlSeconds * 1000, ...fields };
    }

    /** The item, unless missing or (by default) past its `expiresAt`. */
    private async read(id: string, { includeExpired = false } = {}): Promise<ItemRead["resource"]> {
        let resource: ItemRead["resource"];
        try {
            ({ resource } = await this.container.item(id, id).read());
        } catch (error) {
            if (cosmosStatus(error) === 404) return undefined;
            throw error;
        }
        if (!resource) return undefined;
        return !includeExpired && resource.expiresAt <= this.now().getTime() ? undefined : resource;
    }
}

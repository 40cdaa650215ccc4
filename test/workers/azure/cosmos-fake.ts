import { randomUUID } from "node:crypto";
import type { CosmosContainerLike, ItemRead, ItemWriteOptions, StoredItem } from "../../../workers/azure/cosmos-store";

/** An error shaped like @azure/cosmos's ErrorResponse: the HTTP status as `code`. */
class CosmosFakeError extends Error {
    constructor(
        readonly code: number,
        message: string,
    ) {
        super(message);
    }
}

interface Stored {
    item: StoredItem;
    etag: string;
    /** Last write, epoch seconds (Cosmos DB's `_ts`). */
    ts: number;
}

/**
 * Cosmos DB container fake: an in-memory model of the SQL API container operations the store
 * uses, as the service behaves. Items live per (partition key, id); create answers 409 when the id
 * exists; replace/delete answer 404 when missing and 412 when an IfMatch ETag is stale; each write
 * gets a new `_etag` and `_ts`; ids containing / \ ? # are refused with 400; with a container
 * default TTL, an item expires `ttl` (per item, else the default) seconds after its last write and
 * is then invisible to every operation, as Cosmos DB guarantees before it deletes it. Reading a
 * missing item resolves with no resource (the SDK's 404 read), as @azure/cosmos v4 does.
 */
export class CosmosContainerFake implements CosmosContainerLike {
    private readonly items_ = new Map<string, Stored>();
    /** Requests served, by operation. */
    readonly requests = { create: 0, upsert: 0, read: 0, replace: 0, delete: 0 };

    constructor(private readonly options: { defaultTtlSeconds: number; now: () => Date }) {}

    readonly items = {
        create: async (body: StoredItem) => {
            this.requests.create++;
            const key = this.key(body.id, body.pk);
            if (this.live(key)) throw new CosmosFakeError(409, "Entity with the specified id already exists in the system.");
            return this.write(key, body);
        },
        upsert: async (body: StoredItem) => {
            this.requests.upsert++;
            return this.write(this.key(body.id, body.pk), body);
        },
    };

    item(id: string, partitionKeyValue: string) {
        const key = this.key(id, partitionKeyValue);
        const existing = (options?: ItemWriteOptions) => {
            const stored = this.live(key);
            if (!stored) throw new CosmosFakeError(404, "Entity with the specified id does not exist in the system.");
            if (options?.accessCondition && options.accessCondition.condition !== stored.etag) {
                throw new CosmosFakeError(412, "One of the specified pre-condition is not met.");
            }
            return stored;
        };
        return {
            read: async (): Promise<ItemRead> => {
                this.requests.read++;
                const stored = this.live(key);
                return stored ? { resource: { ...structuredClone(stored.item), _etag: stored.etag } } : {};
            },
            replace: async (body: StoredItem, options?: ItemWriteOptions) => {
                this.requests.replace++;
                existing(options);
                if (body.id !== id) throw new CosmosFakeError(400, "The id in the body does not match the item replaced.");
                return this.write(key, body);
            },
            delete: async (options?: ItemWriteOptions) => {
                this.requests.delete++;
                existing(options);
                this.items_.delete(key);
                return {};
            },
        };
    }

    /** Items a reader could still see (tests check what is stored). */
    visibleCount(): number {
        return [...this.items_.keys()].filter((key) => this.live(key)).length;
    }

    private key(id: string, partitionKeyValue: string): string {
        if (/[/\\?#]/.test(id)) throw new CosmosFakeError(400, `The input name '${id}' is invalid. Ensure to not use the characters '/', '\\', '?' or '#'.`);
        return JSON.stringify([partitionKeyValue, id]);
    }

    private write(key: string, body: StoredItem) {
        const ttl = body.ttl;
        if (ttl !== undefined && !(ttl === -1 || (Number.isInteger(ttl) && ttl > 0))) {
            throw new CosmosFakeError(400, `The value of ttl must be -1 or a positive integer (got ${ttl}).`);
        }
        const stored: Stored = { item: structuredClone(body), etag: `"${randomUUID()}"`, ts: this.options.now().getTime() / 1000 };
        this.items_.set(key, stored);
        return { resource: { ...structuredClone(body), _etag: stored.etag } };
    }

    private live(key: string): Stored | undefined {
        const stored = this.items_.get(key);
        if (!stored) return undefined;
        const ttl = stored.item.ttl ?? this.options.defaultTtlSeconds;
        if (ttl !== -1 && stored.ts + ttl <= this.options.now().getTime() / 1000) {
            this.items_.delete(key);
            return undefined;
        }
        return stored;
    }
}

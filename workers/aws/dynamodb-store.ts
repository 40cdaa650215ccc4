import { randomUUID } from "node:crypto";
import {
    ConditionalCheckFailedException,
    DeleteItemCommand,
    GetItemCommand,
    PutItemCommand,
    type AttributeValue,
    type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import type { ClaimResult, JobRecord, WorkerStore } from "../runtime";

/** Where the store keeps its items. */
export interface DynamoDbWorkerStoreOptions {
    client: DynamoDBClient;
    /** The stack's table (env QUEUESTACK_TABLE_NAME); partition key `pk` (string), TTL on `expiresAt`. */
    tableName: string;
    /** The clock. @default () => new Date() */
    now?: () => Date;
}

type Item = Record<string, AttributeValue>;

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);
const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

/**
 * Idempotency keys and job records in the stack's DynamoDB table. A claim is a conditional PutItem
 * (`attribute_not_exists(pk)`, or the existing item's lease/TTL has passed). TTL deletes items
 * lazily, so every read ignores items whose `expiresAt` has passed.
 */
export class DynamoDbWorkerStore implements WorkerStore {
    private readonly client: DynamoDBClient;
    private readonly tableName: string;
    private readonly now: () => Date;

    constructor(options: DynamoDbWorkerStoreOptions) {
        this.client = options.client;
        this.tableName = options.tableName;
        this.now = options.now ?? (() => new Date());
    }

    async claim(key: string, leaseSeconds: number): Promise<ClaimResult> {
        const pk = `idempotency#${key}`;
        for (let tries = 0; tries < 3; tries++) {
            const now = this.now();
            const token = randomUUID();
            try {
                await this.client.send(
                    new PutItemCommand({
                        TableName: this.tableName,
                        Item: { pk: s(pk), state: s("in-progress"), token: s(token), expiresAt: n(epochSeconds(now) + leaseSeconds) },
                        ConditionExpression: "attribute_not_exists(pk) OR expiresAt <= :now",
                        ExpressionAttributeValues: { ":now": n(epochSeconds(now)) },
                    }),
                );
                return { status: "claimed", token };
            } catch (error) {
                if (!(error instanceof ConditionalCheckFailedException)) throw error;
            }
            const item = await this.read(pk);
            // Gone or expired between the put and the read: claim again.
            if (!item) continue;
            if (item.state?.S === "completed") {
                return { status: "completed", result: JSON.parse(item.result?.S ?? "null"), completedAt: new Date(item.completedAt?.S ?? 0) };
            }
            return { status: "in-progress", leaseExpiresAt: new Date(Number(item.expiresAt?.N) * 1000) };
        }
        throw new Error(`could not claim ${key}: its record kept changing`);
    }

    async complete(key: string, _token: string, result: unknown, ttlSeconds: number): Promise<void> {
        const now = this.now();
        await this.client.send(
            new PutItemCommand({
                TableName: this.tableName,
                Item: {
                    pk: s(`idempotency#${key}`),
                    state: s("completed"),
                    result: s(JSON.stringify(result ?? null)),
                    completedAt: s(now.toISOString()),
                    expiresAt: n(epochSeconds(now) + ttlSeconds),
                },
            }),
        );
    }

    async release(key: string, token: string): Promise<void> {
        try {
            await this.client.send(
                new DeleteItemCommand({
                    TableName: this.tableName,
                    Key: { pk: s(`idempotency#${key}`) },
                    ConditionExpression: "#token = :token",
                    ExpressionAttributeNames: { "#token": "token" },
                    ExpressionAttributeValues: { ":token": s(token) },
                }),
            );
        } catch (error) {
            // The claim is no longer ours (lease expired and re-claimed): leave it alone.
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
    }

    async putJob(messageId: string, record: JobRecord, ttlSeconds: number): Promise<void> {
        const { at, ...rest } = record;
        await this.client.send(
            new PutItemCommand({
                TableName: this.tableName,
                Item: {
                    pk: s(`job#${messageId}`),
                    status: s(record.status),
                    record: s(JSON.stringify(rest)),
                    at: s(at.toISOString()),
                    expiresAt: n(epochSeconds(this.now()) + ttlSeconds),
                },
            }),
        );
    }

    async getJob(messageId: string): Promise<JobRecord | undefined> {
        const item = await this.read(`job#${messageId}`);
        if (!item) return undefined;
        return { ...JSON.parse(item.record?.S ?? "{}"), at: new Date(item.at?.S ?? 0) } as JobRecord;
    }

    /** The item, unless missing or past its `expiresAt` (TTL deletion lags by up to days). */
    private async read(pk: string): Promise<Item | undefined> {
        const { Item: item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: s(pk) }, ConsistentRead: true }));
        if (!item) return undefined;
        const expiresAt = Number(item.expiresAt?.N);
        return Number.isFinite(expiresAt) && expiresAt <= epochSeconds(this.now()) ? undefined : item;
    }
}

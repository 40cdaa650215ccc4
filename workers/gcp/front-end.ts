/**
 * Cloud Functions (2nd gen) entry for the HTTP front end. Entry point: `handler`. Environment:
 * QUEUESTACK_QUEUES ({"<name>": {"levels": [{"level"?, "topic"}], "ordered", "maxDelaySeconds",
 * "maxMessageKb", "defaultLevel"?, "groupKey"?, "deduplicationKey"?}}), QUEUESTACK_TOPICS
 * ({"<name>": {"topic", "ordered", "maxMessageKb"}}), QUEUESTACK_AUTH, QUEUESTACK_API_KEY (from
 * Secret Manager, apiKey auth), QUEUESTACK_MAX_BODY_BYTES, QUEUESTACK_MAX_WAIT_SECONDS,
 * QUEUESTACK_DELAY ({"queue", "serviceAccountEmail"}, when a queue takes delays),
 * QUEUESTACK_BLOB_BUCKET (claim check), QUEUESTACK_PROJECT_ID, QUEUESTACK_FIRESTORE_DATABASE.
 */
import { ConfigError, createLogger, requireInteger, requireJson, requireString, type Env } from "../runtime";
import { cloudTasksApi, type DelaySettings } from "./delayed-publish";
import { createFrontEndHandler, type FrontEndQueue, type FrontEndRequest, type FrontEndTopic } from "./front-end-handler";
import { gcsBlobStoreFromEnv } from "./gcs-blob-store";
import { pubsubApi } from "./pubsub-api";
import type { HttpResponse } from "./push-handler";
import { firestoreStoreFromEnv } from "./worker-setup";
import { startEntryTracing } from "../runtime/tracing/entry";

const logger = createLogger({ name: process.env.K_SERVICE ?? "queuestack-front-end" });
let ready: ReturnType<typeof createFrontEndHandler> | undefined;
const tracing = startEntryTracing(process.env.K_SERVICE ?? "queuestack-front-end");

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
const isQueue = (q: unknown) =>
    isRecord(q) && Array.isArray(q.levels) && q.levels.length > 0 && q.levels.every((l) => isRecord(l) && typeof l.topic === "string") &&
    typeof q.ordered === "boolean" && typeof q.maxDelaySeconds === "number" && typeof q.maxMessageKb === "number";
const isTopic = (t: unknown) => isRecord(t) && typeof t.topic === "string" && typeof t.ordered === "boolean" && typeof t.maxMessageKb === "number";

/** A JSON object variable whose every value passes `valid`; ConfigError naming the expected shape otherwise. */
function readMap<T>(env: Env, name: string, meaning: string, shape: string, valid: (value: unknown) => boolean): Record<string, T> {
    const value = requireJson(env, name, meaning);
    if (!isRecord(value) || !Object.values(value).every(valid)) throw new ConfigError(`${name} must map names to ${shape} (got ${JSON.stringify(value)}).`);
    return value as Record<string, T>;
}

/** QUEUESTACK_DELAY, checked; undefined when unset (no queue takes delays). */
function readDelay(env: Env): DelaySettings | undefined {
    if (!env.QUEUESTACK_DELAY) return undefined;
    const value = requireJson(env, "QUEUESTACK_DELAY", "the Cloud Tasks queue and account of delayed publishes");
    if (!isRecord(value) || typeof value.queue !== "string" || typeof value.serviceAccountEmail !== "string") {
        throw new ConfigError(`QUEUESTACK_DELAY must be { "queue": "projects/<p>/locations/<l>/queues/<q>", "serviceAccountEmail": string } (got ${JSON.stringify(value)}).`);
    }
    return { queue: value.queue, serviceAccountEmail: value.serviceAccountEmail };
}

/** Builds the handler from the function's environment. */
export function frontEndFromEnv(env: Env) {
    const auth = requireString(env, "QUEUESTACK_AUTH", 'how callers authenticate, "apiKey" or "none" (spec frontEnd.auth)');
    if (auth !== "apiKey" && auth !== "none") throw new ConfigError(`QUEUESTACK_AUTH must be "apiKey" or "none" (got "${auth}").`);
    const delay = readDelay(env);
    return createFrontEndHandler({
        queues: readMap<FrontEndQueue>(env, "QUEUESTACK_QUEUES", "the queues the front end publishes to",
            '{ "levels": [{ "level"?, "topic" }], "ordered", "maxDelaySeconds", "maxMessageKb" }', isQueue),
        topics: env.QUEUESTACK_TOPICS ? readMap<FrontEndTopic>(env, "QUEUESTACK_TOPICS", "the fan-out topics", '{ "topic", "ordered", "maxMessageKb" }', isTopic) : {},
        apiKey: auth === "apiKey" ? requireString(env, "QUEUESTACK_API_KEY", "the API key callers send as x-api-key (from Secret Manager)") : undefined,
        maxBodyBytes: requireInteger(env, "QUEUESTACK_MAX_BODY_BYTES", "the largest request body accepted (spec frontEnd.maxBodyKb x 1024)", { min: 1, max: 32 * 1024 * 1024 }),
        maxWaitSeconds: env.QUEUESTACK_MAX_WAIT_SECONDS ? requireInteger(env, "QUEUESTACK_MAX_WAIT_SECONDS", "the longest wait for results (spec frontEnd.maxWaitSeconds)", { min: 0, max: 25 }) : 0,
        pubsub: pubsubApi(env),
        delay: delay && { api: cloudTasksApi(env), settings: delay },
        blobStore: gcsBlobStoreFromEnv(env),
        jobs: firestoreStoreFromEnv(env),
        logger,
    });
}

export async function handler(req: FrontEndRequest, res: HttpResponse): Promise<void> {
    if (!ready) {
        try {
            ready = frontEndFromEnv(process.env);
        } catch (error) {
            logger.fatal({ err: error }, "the front end is misconfigured");
            res.status(500).json({ error: "The front end is misconfigured; see its logs." });
            return;
        }
    }
    return tracing.around(() => ready!(req, res));
}

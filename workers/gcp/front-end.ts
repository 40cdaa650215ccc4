/**
 * Cloud Functions (2nd gen) entry for the HTTP front end. Entry point: `handler`. Environment:
 * QUEUESTACK_QUEUES ({"<name>": {"topic": "projects/<p>/topics/<t>", "ordered": false}}),
 * QUEUESTACK_AUTH, QUEUESTACK_API_KEY (from Secret Manager, apiKey auth), QUEUESTACK_MAX_BODY_BYTES,
 * QUEUESTACK_PROJECT_ID, QUEUESTACK_FIRESTORE_DATABASE.
 */
import { ConfigError, createLogger, requireInteger, requireJson, requireString, type Env } from "../runtime";
import { createFrontEndHandler, type FrontEndRequest, type FrontEndTopic } from "./front-end-handler";
import { FirestoreWorkerStore } from "./firestore-store";
import { pubsubApi } from "./pubsub-api";
import type { HttpResponse } from "./push-handler";
import { firestoreApi } from "./worker-setup";

const logger = createLogger({ name: process.env.K_SERVICE ?? "queuestack-front-end" });
let ready: ReturnType<typeof createFrontEndHandler> | undefined;

/** QUEUESTACK_QUEUES, checked. */
function readTopics(env: Env): Record<string, FrontEndTopic> {
    const value = requireJson(env, "QUEUESTACK_QUEUES", 'the queues the front end publishes to, {"<name>": {"topic": "...", "ordered": false}}');
    const entries = value !== null && typeof value === "object" && !Array.isArray(value) ? Object.entries(value) : undefined;
    if (!entries || entries.some(([, t]) => typeof (t as FrontEndTopic)?.topic !== "string" || typeof (t as FrontEndTopic).ordered !== "boolean")) {
        throw new ConfigError(`QUEUESTACK_QUEUES must map queue names to { "topic": string, "ordered": boolean } (got ${JSON.stringify(value)}).`);
    }
    return value as Record<string, FrontEndTopic>;
}

/** Builds the handler from the function's environment. */
export function frontEndFromEnv(env: Env) {
    const auth = requireString(env, "QUEUESTACK_AUTH", 'how callers authenticate, "apiKey" or "none" (spec frontEnd.auth)');
    if (auth !== "apiKey" && auth !== "none") throw new ConfigError(`QUEUESTACK_AUTH must be "apiKey" or "none" (got "${auth}").`);
    return createFrontEndHandler({
        topics: readTopics(env),
        apiKey: auth === "apiKey" ? requireString(env, "QUEUESTACK_API_KEY", "the API key callers send as x-api-key (from Secret Manager)") : undefined,
        maxBodyBytes: requireInteger(env, "QUEUESTACK_MAX_BODY_BYTES", "the largest request body accepted (spec frontEnd.maxBodyKb x 1024)", { min: 1, max: 32 * 1024 * 1024 }),
        pubsub: pubsubApi(env),
        jobs: new FirestoreWorkerStore({
            api: firestoreApi(env),
            projectId: requireString(env, "QUEUESTACK_PROJECT_ID", "the Google Cloud project holding the stack"),
            databaseId: requireString(env, "QUEUESTACK_FIRESTORE_DATABASE", "the Firestore database holding job records"),
        }),
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
    return ready(req, res);
}

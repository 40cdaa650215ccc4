/**
 * Lambda entry for the HTTP API front end (payload format 2.0). Handler: `index.handler`.
 * Environment: QUEUESTACK_ROUTES_FILE (the routing table in the package) or QUEUESTACK_QUEUES, QUEUESTACK_AUTH, QUEUESTACK_API_KEY_SECRET_ARN (apiKey auth),
 * QUEUESTACK_MAX_BODY_BYTES, QUEUESTACK_TABLE_NAME.
 */
import { createLogger } from "../runtime";
import { frontEndFromEnv } from "./front-end-setup";
import type { HttpApiEvent, HttpApiResult } from "./http";
import { json } from "./http";
import { startEntryTracing } from "../runtime/tracing/entry";

const logger = createLogger({ name: process.env.AWS_LAMBDA_FUNCTION_NAME ?? "queuestack-front-end" });
let ready: ((event: HttpApiEvent) => Promise<HttpApiResult>) | undefined;
const tracing = startEntryTracing(process.env.AWS_LAMBDA_FUNCTION_NAME ?? "queuestack-front-end");

export async function handler(event: HttpApiEvent): Promise<HttpApiResult> {
    if (!ready) {
        try {
            ready = frontEndFromEnv(process.env, logger);
        } catch (error) {
            logger.fatal({ err: error }, "the front end is misconfigured");
            return json(500, { error: "The front end is misconfigured; see its logs." });
        }
    }
    return tracing.around(() => ready!(event));
}

/**
 * Azure Functions (Node.js v4 programming model) entry for the HTTP front end: one anonymous HTTP
 * trigger on every path under /api (the app checks the API key itself). Environment:
 * QUEUESTACK_SERVICEBUS_NAMESPACE, QUEUESTACK_QUEUES ([{"name", "entity", "sessions"}]),
 * QUEUESTACK_AUTH, QUEUESTACK_API_KEY (a Key Vault reference, apiKey auth),
 * QUEUESTACK_MAX_BODY_BYTES, and QUEUESTACK_COSMOS_ENDPOINT / _DATABASE / _CONTAINER for job status
 * (without them `GET /api/jobs/{id}` answers 501).
 */
import { app, type HttpRequest, type HttpResponseInit } from "@azure/functions";
import { createLogger } from "../runtime";
import { frontEndFromEnv } from "./front-end-setup";
import { startEntryTracing } from "../runtime/tracing/entry";

const logger = createLogger({ name: process.env.WEBSITE_SITE_NAME ?? "queuestack-front-end" });
let ready: ReturnType<typeof frontEndFromEnv> | undefined;
const tracing = startEntryTracing(process.env.WEBSITE_SITE_NAME ?? "queuestack-front-end");

app.http("front-end", {
    route: "{*path}",
    methods: ["GET", "POST"],
    authLevel: "anonymous",
    handler: async (request: HttpRequest): Promise<HttpResponseInit> => {
        if (!ready) {
            try {
                ready = frontEndFromEnv(process.env, logger);
            } catch (error) {
                logger.fatal({ err: error }, "the front end is misconfigured");
                return { status: 500, jsonBody: { error: "The front end is misconfigured; see its logs." } };
            }
        }
        return tracing.around(() => ready!(request));
    },
});

/**
 * Cloud Functions (2nd gen) entry for push-fed workers (bundled with the user's module as
 * `queuestack:handler`). Entry point: `handler`. Environment: see gcpWorkerFromEnv and pushGateFromEnv.
 */
import exported from "queuestack:handler";
import { createLogger } from "../runtime";
import { pushGateFromEnv } from "./push-gate";
import { createPushHandler, type HttpRequest, type HttpResponse } from "./push-handler";
import { gcpWorkerFromEnv } from "./worker-setup";
import { startEntryTracing } from "../runtime/tracing/entry";

const logger = createLogger({ name: process.env.K_SERVICE ?? "queuestack-push-worker" });
let ready: ReturnType<typeof createPushHandler> | undefined;
const tracing = startEntryTracing(process.env.K_SERVICE ?? "queuestack-push-worker");

export async function handler(req: HttpRequest, res: HttpResponse): Promise<void> {
    if (!ready) {
        try {
            ready = createPushHandler(gcpWorkerFromEnv(exported, process.env, logger).processor, logger, pushGateFromEnv(process.env));
        } catch (error) {
            // Refused, so Pub/Sub redelivers once the configuration is fixed (or dead-letters).
            logger.fatal({ err: error }, "the worker is misconfigured");
            res.status(500).json({ error: "The worker is misconfigured; see its logs." });
            return;
        }
    }
    return tracing.around(() => ready!(req, res));
}

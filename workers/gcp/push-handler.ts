import type { Logger, Outcome, Processor } from "../runtime";
import { type PushEnvelope, pushEnvelopeProblem, rawMessageOf } from "./pubsub-message";
import type { PushGate } from "./push-gate";

/** The parts of a Functions Framework (Express) request and response the handler uses. */
export interface HttpRequest {
    method?: string;
    body?: unknown;
}
export interface HttpResponse {
    status(code: number): HttpResponse;
    json(body: unknown): unknown;
}

/** Push acknowledges on 2xx and redelivers on anything else. */
const statusOf: Record<Outcome["kind"], number> = {
    done: 200,
    duplicate: 200,
    retry: 503,
    // Pub/Sub has no "dead-letter now" for push: the delivery is refused; each redelivery fails fast
    // on the job record until maxDeliveryAttempts moves the message to the dead-letter topic.
    "dead-letter": 500,
};

/**
 * Answers Pub/Sub push deliveries: runs the processor on the message and maps its outcome to the
 * status Pub/Sub acts on (2xx acks; other statuses nack, so Pub/Sub retries with backoff and
 * dead-letters after maxDeliveryAttempts). With a gate, a delivery first waits for one of the
 * instance's slots; one that gets none in time is answered 429 unprocessed (Pub/Sub retries it).
 */
export function createPushHandler(processor: Processor, logger: Logger, gate?: PushGate) {
    return async (req: HttpRequest, res: HttpResponse): Promise<void> => {
        if (req.method !== undefined && req.method !== "POST") {
            res.status(405).json({ error: "Pub/Sub push deliveries are POST requests." });
            return;
        }
        const problem = pushEnvelopeProblem(req.body);
        if (problem) {
            logger.warn({ problem }, "not a Pub/Sub push delivery");
            res.status(400).json({ error: `Not a Pub/Sub push delivery: ${problem}.` });
            return;
        }
        const envelope = req.body as PushEnvelope;
        const run = () => processor(rawMessageOf(envelope.message, envelope.deliveryAttempt));
        const admitted = gate ? await gate.run(run) : { ran: true as const, value: await run() };
        if (!admitted.ran) {
            logger.warn({ messageId: envelope.message.messageId, ...gate!.load }, "no free slot in time; Pub/Sub redelivers");
            res.status(429).json({ error: "Busy: no free slot in time. Pub/Sub redelivers the message." });
            return;
        }
        const outcome = admitted.value;
        res.status(statusOf[outcome.kind]).json(outcome.kind === "done" || outcome.kind === "duplicate" ? { outcome: outcome.kind } : { outcome: outcome.kind, reason: outcome.reason });
    };
}

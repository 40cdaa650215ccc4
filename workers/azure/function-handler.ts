import type { InvocationContext, ServiceBusQueueTriggerOptions } from "@azure/functions";
import type { Env, Logger, Processor, RawMessage, RuntimeSettings } from "../runtime";
import { type HoldOptions, processHeld } from "./hold";
import { attributesOf, bodyText } from "./service-bus-message";

/** The app setting prefix the trigger's identity-based connection reads (`<prefix>__fullyQualifiedNamespace`). */
const serviceBusConnection = "ServiceBusConnection";

/** Thrown to the Functions host so it abandons the message (Service Bus redelivers or dead-letters it). */
export class DeliveryFailed extends Error {
    override readonly name = "DeliveryFailed";
}

/**
 * The Service Bus trigger's registration. Settlement: the trigger completes a message when the
 * function returns and abandons it when the function throws (`autoCompleteMessages: true`, the
 * same value the components set app-wide in host settings).
 *
 * Why not settle from the function: with auto-complete off, a Node.js function can complete,
 * abandon or dead-letter only through the preview `@azure/functions-extensions-servicebus` SDK
 * binding. Without it, nothing ever completes a message: every delivery, successful or not, would
 * return after its lock and end in the dead-letter queue. The GA path used here completes on
 * success; a retryable failure throws (after a hold: see createServiceBusFunctionHandler), the host
 * abandons, Service Bus redelivers with the delivery count raised and dead-letters after
 * maxDeliveryCount with body and properties intact. A permanent
 * failure cannot be dead-lettered at once on this path: it throws too, each redelivery fails fast
 * on the job record (no handler run), and the reason is in the datastore under the message id.
 * A crash or a timeout leaves the lock to lapse, which counts as a delivery the same way.
 */
export function serviceBusTriggerOptions(env: Env): ServiceBusQueueTriggerOptions {
    return {
        connection: serviceBusConnection,
        queueName: "%QUEUESTACK_QUEUE_NAME%",
        isSessionsEnabled: env.QUEUESTACK_QUEUE_SESSIONS === "true",
        autoCompleteMessages: true,
        cardinality: "one",
    };
}

interface TriggerMetadata {
    messageId?: unknown;
    deliveryCount?: unknown;
    enqueuedTimeUtc?: unknown;
    sessionId?: unknown;
    applicationProperties?: unknown;
    userProperties?: unknown;
}

/**
 * The runtime's message from a trigger invocation. The host's delivery count already counts this
 * delivery (1 on the first), unlike the AMQP count the SDK reports.
 */
function rawMessageFromTrigger(message: unknown, context: Pick<InvocationContext, "invocationId" | "triggerMetadata">): RawMessage {
    const meta = (context.triggerMetadata ?? {}) as TriggerMetadata;
    const deliveryCount = Number(meta.deliveryCount);
    const enqueued = typeof meta.enqueuedTimeUtc === "string" ? new Date(meta.enqueuedTimeUtc) : undefined;
    const properties = (meta.applicationProperties ?? meta.userProperties) as Record<string, unknown> | undefined;
    return {
        id: typeof meta.messageId === "string" && meta.messageId !== "" ? meta.messageId : context.invocationId,
        body: bodyText(message),
        attributes: attributesOf(properties),
        attempt: Number.isInteger(deliveryCount) && deliveryCount >= 1 ? deliveryCount : 1,
        enqueuedAt: enqueued && !Number.isNaN(enqueued.getTime()) ? enqueued : new Date(),
        ...(typeof meta.sessionId === "string" && meta.sessionId !== "" ? { groupKey: meta.sessionId } : {}),
    };
}

/** Time kept back from the host's functionTimeout so the invocation returns (or throws) first. */
const hostMarginMs = 2_000;

/** What the Service Bus function handler runs with (built on first use). */
export interface FunctionWorkerReady {
    processor: Processor;
    settings: RuntimeSettings;
    /**
     * The host's functionTimeout, seconds (QUEUESTACK_INVOCATION_SECONDS; the components set twice
     * the worker timeout plus 15 s): room to wait out another delivery's idempotency lease (worker
     * timeout + 5 s), run the handler, and hold a failed delivery before it is given back.
     */
    invocationSeconds: number;
}

/**
 * The Service Bus trigger's handler: runs the processor and returns on done/duplicate (the host
 * completes the message) or throws `DeliveryFailed` with the reason on retry/dead-letter (the host
 * abandons it, and Service Bus redelivers at once). Before throwing on a retry it holds the
 * delivery (processHeld): while another delivery holds the idempotency key it waits and runs again
 * within this invocation; after a failed run it pauses (1 s, doubling per delivery) so the
 * redelivery does not follow at once. The host renews the lock meanwhile. Every wait and run ends
 * by the invocation's end (QUEUESTACK_INVOCATION_SECONDS) less a margin, before the host's
 * functionTimeout cancels the invocation. `worker` is built on first use, so a misconfiguration
 * throws (and abandons) instead of completing anything. `hold` replaces the clock and the waits in
 * tests.
 */
export function createServiceBusFunctionHandler(worker: () => FunctionWorkerReady, logger: Logger, hold: Pick<HoldOptions, "now" | "wait" | "retryDelayMs"> = {}) {
    return async (message: unknown, context: Pick<InvocationContext, "invocationId" | "triggerMetadata">): Promise<void> => {
        const started = (hold.now ?? Date.now)();
        let ready: FunctionWorkerReady;
        try {
            ready = worker();
        } catch (error) {
            logger.fatal({ err: error }, "the worker is misconfigured");
            throw error;
        }
        const until = started + Math.max(1000, ready.invocationSeconds * 1000 - hostMarginMs);
        const outcome = await processHeld(ready.processor, rawMessageFromTrigger(message, context), {
            ...hold,
            until,
            runMs: ready.settings.timeoutSeconds * 1000,
            deadline: new Date(until),
        });
        if (outcome.kind === "retry" || outcome.kind === "dead-letter") throw new DeliveryFailed(`${outcome.kind}: ${outcome.reason}`);
    };
}

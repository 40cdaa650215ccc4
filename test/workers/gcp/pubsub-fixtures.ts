import type { GoogleApiCall } from "../../../workers/gcp/google-api";
import type { HttpResponse } from "../../../workers/gcp/push-handler";

/** The emulator project every GCP runtime suite uses. */
export const project = "projects/pubsub-test";

/** A topic with a pull subscription, and a dead-letter topic with its own subscription, on the emulator. */
export async function createQueue(pubsub: GoogleApiCall, name: string, options: { ordered?: boolean; exactlyOnce?: boolean; ackDeadlineSeconds?: number } = {}) {
    const topic = `${project}/topics/${name}`;
    const dlqTopic = `${topic}-dlq`;
    const subscription = `${project}/subscriptions/${name}`;
    await pubsub("PUT", topic, {});
    await pubsub("PUT", dlqTopic, {});
    await pubsub("PUT", `${subscription}-dlq`, { topic: dlqTopic });
    await pubsub("PUT", subscription, {
        topic,
        ackDeadlineSeconds: options.ackDeadlineSeconds ?? 10,
        enableMessageOrdering: options.ordered ?? false,
        enableExactlyOnceDelivery: options.exactlyOnce ?? false,
        deadLetterPolicy: { deadLetterTopic: dlqTopic, maxDeliveryAttempts: 5 },
    });
    return { topic, subscription, deadLetterSubscription: `${subscription}-dlq` };
}

/** A Functions Framework response stand-in that records the status and JSON body. */
export function response() {
    const answer: { status?: number; body?: any } = {};
    const res: HttpResponse = {
        status: (code) => ((answer.status = code), res),
        json: (body) => ((answer.body = body), res),
    };
    return { res, answer };
}

/** The UTF-8 body of a pulled message. */
export const bodyOf = (message: { data?: string }) => Buffer.from(message.data ?? "", "base64").toString("utf8");

/** The environment the GCP worker runtime reads (gcpWorkerFromEnv), for a queue in a test project. */
export function workerEnv(queueName: string, projectId = "pubsub-test") {
    return {
        QUEUESTACK_PROJECT_ID: projectId,
        QUEUESTACK_FIRESTORE_DATABASE: "(default)",
        QUEUESTACK_QUEUE_NAME: queueName,
        QUEUESTACK_IDEMPOTENCY_ENABLED: "true",
        QUEUESTACK_IDEMPOTENCY_KEY: "messageId",
        QUEUESTACK_IDEMPOTENCY_TTL_HOURS: "24",
        QUEUESTACK_RESULT_TTL_DAYS: "30",
        QUEUESTACK_WORKER_TIMEOUT_SECONDS: "10",
    };
}

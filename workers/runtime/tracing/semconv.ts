/**
 * The OpenTelemetry attribute names queuestack's spans use: the messaging semantic conventions
 * (v1.28, https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/) and the HTTP
 * server conventions. Copied here rather than imported from
 * `@opentelemetry/semantic-conventions/incubating`, as that package advises for incubating names.
 * The few `queuestack.*` names carry what the conventions have no attribute for.
 */
export const semconv = {
    messagingSystem: "messaging.system",
    operationType: "messaging.operation.type",
    operationName: "messaging.operation.name",
    destinationName: "messaging.destination.name",
    messageId: "messaging.message.id",
    conversationId: "messaging.message.conversation_id",
    batchMessageCount: "messaging.batch.message_count",
    httpMethod: "http.request.method",
    httpRoute: "http.route",
    httpStatusCode: "http.response.status_code",
    errorType: "error.type",
} as const;

/** queuestack's own attributes, where the conventions have none. */
export const queuestackAttributes = {
    /** 1 on the first delivery, then 2, 3... (the runtime's `Message.attempt`). */
    attempt: "queuestack.attempt",
    /** The priority level a message was sent to (spec queues[].priorities). */
    level: "queuestack.level",
    /** What became of an attempt: done, duplicate, retry or dead-letter (the runtime's Outcome). */
    outcome: "queuestack.outcome",
    /** Why an attempt failed: the handler's error, or why it was dead-lettered. */
    reason: "queuestack.outcome.reason",
} as const;

/** `messaging.system` per target: the conventions' values for the clouds, `queuestack_local` for the local engine. */
export const messagingSystems = { aws: "aws_sqs", azure: "servicebus", gcp: "gcp_pubsub", local: "queuestack_local" } as const;

/** `messaging.operation.type` values (semconv v1.28). */
export const operationTypes = { send: "send", process: "process", settle: "settle" } as const;

/** The physical queue the Azure worker tests consume. */
export const queueName = "sbq-scrape";

/** The worker environment the Azure components set (see components/azure/worker-settings.ts). */
export const azureWorkerEnv = (sessions = false) => ({
    QUEUESTACK_SERVICEBUS_NAMESPACE: "sb-test.servicebus.windows.net",
    QUEUESTACK_QUEUE_NAME: queueName,
    QUEUESTACK_QUEUE_SESSIONS: String(sessions),
    QUEUESTACK_COSMOS_ENDPOINT: "https://cosmos-test.documents.azure.com:443/",
    QUEUESTACK_COSMOS_DATABASE: "queuestack",
    QUEUESTACK_COSMOS_CONTAINER: "results",
    QUEUESTACK_IDEMPOTENCY_ENABLED: "true",
    QUEUESTACK_IDEMPOTENCY_KEY: "messageId",
    QUEUESTACK_IDEMPOTENCY_TTL_HOURS: "24",
    QUEUESTACK_RESULT_TTL_DAYS: "30",
    QUEUESTACK_WORKER_TIMEOUT_SECONDS: "10",
});

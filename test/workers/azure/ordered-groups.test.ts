import { strict as assert } from "node:assert";
import { frontEndFromEnv } from "../../../workers/azure/front-end-setup";
import { ServiceBusQueueReceiver } from "../../../workers/azure/receiver";
import { azureWorkerFromEnv } from "../../../workers/azure/worker-setup";
import { defineWorker } from "../../../workers/runtime";
import { capturedLogger } from "../helpers/capture-logs";
import { CosmosContainerFake } from "./cosmos-fake";
import { azureWorkerEnv } from "./env";
import { apiKey, request } from "./http-request";
import { ServiceBusFake } from "./service-bus-fake";

const groups = ["c-1", "c-2", "c-3", "c-4", "c-5", "c-6"];
const perGroup = 8;

describe("azure: ordered groups on the ServiceBus fake (sessions from the body's group key, 4 sessions at once)", function () {
    this.timeout(20_000);

    it("runs each group in send order while groups run side by side; message ids come from the body's deduplication key", async () => {
        const bus = new ServiceBusFake();
        bus.addQueue("sbq-orders", { maxDeliveryCount: 5, lockDurationMs: 2000, requiresSession: true });
        const client = bus.client();
        const { logger } = capturedLogger();
        const handler = frontEndFromEnv({
            QUEUESTACK_SERVICEBUS_NAMESPACE: "sb-test.servicebus.windows.net",
            QUEUESTACK_QUEUES: JSON.stringify([{ name: "orders", entity: "sbq-orders", sessions: true, groupKey: "body.customerId", deduplicationKey: "body.orderId" }]),
            QUEUESTACK_AUTH: "apiKey",
            QUEUESTACK_API_KEY: apiKey,
            QUEUESTACK_MAX_BODY_BYTES: "65536",
        }, logger, (entity) => client.createSender(entity));
        // Interleaved across groups, one request per round: c-1 #0, c-2 #0, ... c-6 #0, c-1 #1, ...
        for (let seq = 0; seq < perGroup; seq++) {
            const items = groups.map((customerId) => ({ customerId, orderId: `${customerId}-${seq}`, seq }));
            assert.equal((await handler(request("POST", "queues/orders/messages", JSON.stringify(items)))).status, 202);
        }
        const ran: Record<string, number[]> = {};
        let running = 0;
        let mostAtOnce = 0;
        const worker = defineWorker<{ customerId: string; seq: number }>({
            handle: async ({ body }) => {
                mostAtOnce = Math.max(mostAtOnce, ++running);
                await new Promise((resolve) => setTimeout(resolve, 5));
                (ran[body.customerId] ??= []).push(body.seq);
                running--;
            },
        });
        const container = new CosmosContainerFake({ defaultTtlSeconds: 86_400, now: () => new Date() });
        const azure = azureWorkerFromEnv(worker, { ...azureWorkerEnv(true), QUEUESTACK_QUEUE_NAME: "sbq-orders" }, logger, container);
        const receiver = new ServiceBusQueueReceiver({
            processor: azure.processor, client, queueName: "sbq-orders", sessions: true, logger, concurrency: 4, lockDurationSeconds: 2, drainSeconds: 5, receiveWaitMs: 50,
        });
        const run = receiver.run();
        const deadline = Date.now() + 15_000;
        while (receiver.counts.completed < groups.length * perGroup && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        await receiver.stop();
        await run;
        assert.deepEqual(ran, Object.fromEntries(groups.map((g) => [g, Array.from({ length: perGroup }, (_, i) => i)])));
        assert.ok(mostAtOnce >= 2 && mostAtOnce <= 4, `groups ran side by side, at most 4 sessions at once (most at once: ${mostAtOnce})`);
        assert.deepEqual(bus.active("sbq-orders").concat(bus.deadLetters("sbq-orders")), [], "nothing left, nothing dead-lettered");
        assert.deepEqual(receiver.counts.completed, groups.length * perGroup);
        assert.deepEqual((await azure.store.getJob("c-3-5"))?.status, "done", "the job id is the body's orderId");
    });
});

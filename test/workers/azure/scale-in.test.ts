import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ServiceBusQueueReceiver } from "../../../workers/azure/receiver";
import { ScheduledEvents } from "../../../workers/azure/scheduled-events";
import { azureWorkerFromEnv } from "../../../workers/azure/worker-setup";
import { defineWorker, ScaleInGuard } from "../../../workers/runtime";
import { capturedLogger } from "../helpers/capture-logs";
import { CosmosContainerFake } from "./cosmos-fake";
import { azureWorkerEnv, queueName } from "./env";
import { ServiceBusFake } from "./service-bus-fake";

/** A local Azure Instance Metadata Service: the compute name and the Scheduled Events document, recording every call. */
async function metadataService(instanceName: string) {
    const state = { events: [] as { EventId: string; EventType: string; Resources: string[] }[] };
    const requests: { method: string; url: string; metadataHeader: string | undefined; body: string }[] = [];
    const server: Server = createServer((req, res) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
            requests.push({ method: req.method!, url: req.url!, metadataHeader: req.headers.metadata as string | undefined, body });
            if (req.headers.metadata !== "true") return res.writeHead(400).end("Bad request: Required metadata header not specified");
            if (req.method === "GET" && req.url === "/metadata/instance/compute/name?api-version=2021-02-01&format=text") return res.end(instanceName);
            if (req.url === "/metadata/scheduledevents?api-version=2020-07-01") {
                if (req.method === "GET") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ DocumentIncarnation: state.events.length, Events: state.events }));
                if (req.method === "POST") return res.writeHead(200).end();
            }
            res.writeHead(404).end();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state, requests, server };
}

async function until(condition: () => boolean, what: string) {
    const deadline = Date.now() + 10_000;
    while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

const terminate = (id: string, resource: string) => ({ EventId: id, EventType: "Terminate", Resources: [resource], EventStatus: "Scheduled", NotBefore: "Mon, 19 Sep 2016 18:29:47 GMT" });

describe("azure: VM receiver drains on scale-in (Scheduled Events Terminate on a local metadata service, ServiceBus fake)", function () {
    this.timeout(20_000);
    let imds: Awaited<ReturnType<typeof metadataService>>;
    beforeEach(async () => (imds = await metadataService("shop-dev-worker_3")));
    afterEach(() => imds.server.close());

    it("counts only Terminate or Preempt events naming this instance, with the Metadata header", async () => {
        const notice = new ScheduledEvents(imds.endpoint);
        assert.equal(await notice.terminating(), false);
        imds.state.events = [terminate("other", "shop-dev-worker_1"), { EventId: "reboot", EventType: "Reboot", Resources: ["shop-dev-worker_3"] }];
        assert.equal(await notice.terminating(), false, "another instance's Terminate, or a Reboot, is not a scale-in of this one");
        imds.state.events.push(terminate("mine", "shop-dev-worker_3"));
        assert.equal(await notice.terminating(), true);
        await notice.approve();
        assert.deepEqual(imds.requests.map((r) => `${r.method} ${r.url}`), [
            "GET /metadata/instance/compute/name?api-version=2021-02-01&format=text",
            "GET /metadata/scheduledevents?api-version=2020-07-01",
            "GET /metadata/scheduledevents?api-version=2020-07-01",
            "GET /metadata/scheduledevents?api-version=2020-07-01",
            "POST /metadata/scheduledevents?api-version=2020-07-01",
        ]);
        assert.ok(imds.requests.every((r) => r.metadataHeader === "true"));
        assert.deepEqual(JSON.parse(imds.requests.at(-1)!.body), { StartRequests: [{ EventId: "mine" }] });
    });

    it("finishes the running message, receives nothing more, approves the Terminate event only after the drain, and stays idle", async () => {
        let open: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => (open = resolve));
        const started: string[] = [];
        const finished: string[] = [];
        const worker = defineWorker<{ n: number }>({
            async handle(m) {
                started.push(m.id);
                await gate;
                finished.push(m.id);
            },
        });
        const bus = new ServiceBusFake();
        bus.addQueue(queueName, { maxDeliveryCount: 3, lockDurationMs: 5000 });
        const { logger, lines } = capturedLogger();
        const azure = azureWorkerFromEnv(worker, azureWorkerEnv(), logger, new CosmosContainerFake({ defaultTtlSeconds: 86_400, now: () => new Date() }));
        const receiver = new ServiceBusQueueReceiver({
            processor: azure.processor, client: bus.client(), queueName, sessions: false, logger, concurrency: 1, lockDurationSeconds: 5, drainSeconds: 15, receiveWaitMs: 50,
        });
        const guard = new ScaleInGuard({ service: receiver, notice: new ScheduledEvents(imds.endpoint), logger, checkEveryMs: 50 });
        bus.send(queueName, [{ messageId: "running", body: JSON.stringify({ n: 1 }) }]);
        let ended = false;
        const run = guard.run().then(() => (ended = true));
        await until(() => started.length === 1, "the first message to start");
        bus.send(queueName, [{ messageId: "waiting", body: JSON.stringify({ n: 2 }) }]);

        imds.state.events = [terminate("scale-in-1", "shop-dev-worker_3")];
        await until(() => guard.drainedForScaleIn, "the scale-in to be seen");
        assert.equal(imds.requests.some((r) => r.method === "POST"), false, "no approval while a message runs");
        open();
        await until(() => imds.requests.some((r) => r.method === "POST"), "the approval");

        assert.deepEqual(finished, ["running"]);
        assert.deepEqual(started, ["running"], "nothing received after the notice");
        assert.deepEqual({ ...receiver.counts, lockRenewals: 0 }, { received: 1, completed: 1, abandoned: 0, deadLettered: 0, lockRenewals: 0, returnedOnStop: 0 });
        assert.deepEqual(bus.active(queueName).map((m) => [m.messageId, m.deliveries]), [["waiting", 0]], "the waiting message stays for another instance");
        assert.deepEqual(JSON.parse(imds.requests.find((r) => r.method === "POST")!.body), { StartRequests: [{ EventId: "scale-in-1" }] });
        assert.ok(lines.some((l) => l.msg === "scale-in: drained; removal approved"));
        assert.equal(ended, false, "stays idle so systemd does not start a fresh receiver on a departing instance");
        await guard.stop();
        await run;
        assert.equal(ended, true);
    });
});

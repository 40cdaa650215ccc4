import { strict as assert } from "node:assert";
import { IntakeError } from "../../../workers/runtime/intake";
import { requestedWaitSeconds, routeMessage, waitForJob, type RequestParts, type RoutingOptions } from "../../../workers/runtime/routing";

/** A request with these headers (any case) and query parameters. */
const request = (headers: Record<string, string> = {}, query: Record<string, string> = {}): RequestParts => ({
    header: (name) => Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1],
    query: (name) => query[name],
});

const plain: RoutingOptions = { fifo: false, maxDelaySeconds: 0 };
const tiered: RoutingOptions = { fifo: false, levels: ["high", "normal", "low"], maxDelaySeconds: 3600 };
const ordered: RoutingOptions = { fifo: true, maxDelaySeconds: 0, groupKey: "body.customer.id", deduplicationKey: "body.orderId" };

/** Asserts `run` throws an IntakeError with this status and exact message. */
function rejects(run: () => unknown, statusCode: number, message: string): void {
    assert.throws(run, (error: unknown) => {
        assert.ok(error instanceof IntakeError, `expected an IntakeError, got ${String(error)}`);
        assert.equal(error.message, message);
        assert.equal(error.statusCode, statusCode);
        return true;
    });
}

describe("runtime: routeMessage", () => {
    it("routes a bare message on a plain queue at once, with no level, group, dedup or correlation id", () => {
        assert.deepEqual(routeMessage("scrape", plain, request(), { url: "u" }, 0), { delaySeconds: 0 });
    });

    it("takes the level from x-priority, the priority query parameter (which wins), else the lowest level", () => {
        assert.deepEqual(routeMessage("jobs", tiered, request(), {}, 0), { level: "low", delaySeconds: 0 });
        assert.deepEqual(routeMessage("jobs", tiered, request({ "X-Priority": "high" }), {}, 0), { level: "high", delaySeconds: 0 });
        assert.deepEqual(routeMessage("jobs", tiered, request({ "x-priority": "high" }, { priority: "normal" }), {}, 0), { level: "normal", delaySeconds: 0 });
        assert.deepEqual(routeMessage("jobs", { ...tiered, defaultLevel: "normal" }, request(), {}, 0), { level: "normal", delaySeconds: 0 });
    });

    it("rejects an unknown level with 400 listing the levels and the default", () => {
        rejects(() => routeMessage("jobs", tiered, request({ "x-priority": "urgent" }), {}, 0), 400,
            'Queue "jobs" has no priority level "urgent". Its levels, highest first: high, normal, low. Send one of them in the x-priority header or the priority query parameter, or none for the default (low).');
    });

    it("rejects a level sent to a queue without levels", () => {
        rejects(() => routeMessage("scrape", plain, request({}, { priority: "high" }), {}, 0), 400,
            'Queue "scrape" has no priority levels (got priority "high"). Send no x-priority header or priority query parameter, or add priorities to the queue (spec queues[].priorities).');
    });

    it("takes a delay from x-delay-seconds or delaySeconds up to maxDelaySeconds", () => {
        assert.deepEqual(routeMessage("jobs", tiered, request({ "x-delay-seconds": "3600" }), {}, 0), { level: "low", delaySeconds: 3600 });
        assert.deepEqual(routeMessage("jobs", tiered, request({}, { delaySeconds: "0" }), {}, 0), { level: "low", delaySeconds: 0 });
    });

    it("rejects a delay over the limit naming queues[].maxDelaySeconds, and a delay that is not a whole number", () => {
        rejects(() => routeMessage("jobs", tiered, request({ "x-delay-seconds": "3601" }), {}, 0), 400,
            `Delay of 3601 s is over queue "jobs"'s limit of 3600 s (spec queues[].maxDelaySeconds). Send 0 to 3600, or raise queues[].maxDelaySeconds.`);
        rejects(() => routeMessage("scrape", plain, request({}, { delaySeconds: "5" }), {}, 0), 400,
            'Queue "scrape" takes no per-message delay (got 5 s): its spec queues[].maxDelaySeconds is 0. Send no delay, or raise queues[].maxDelaySeconds.');
        for (const bad of ["1.5", "-1", "soon"]) {
            rejects(() => routeMessage("jobs", tiered, request({ "x-delay-seconds": bad }), {}, 0), 400,
                `The delay (x-delay-seconds header or delaySeconds query parameter) must be a whole number of seconds from 0 to 3600 (got "${bad}"). Send e.g. x-delay-seconds: 60.`);
        }
    });

    it("reads the group key and dedup id from the body when the request carries none", () => {
        const order = { customer: { id: "c-7" }, orderId: 9001 };
        assert.deepEqual(routeMessage("orders", ordered, request(), order, 0), { delaySeconds: 0, groupKey: "c-7", deduplicationId: "9001" });
    });

    it("prefers the header (and the query parameter over it) to the body paths", () => {
        const order = { customer: { id: "c-7" }, orderId: "o-1" };
        assert.deepEqual(routeMessage("orders", ordered, request({ "x-group-key": "g-h", "x-deduplication-id": "d-h" }), order, 0),
            { delaySeconds: 0, groupKey: "g-h", deduplicationId: "d-h" });
        assert.deepEqual(routeMessage("orders", ordered, request({ "x-group-key": "g-h" }, { groupKey: "g-q", deduplicationId: "d-q" }), order, 0),
            { delaySeconds: 0, groupKey: "g-q", deduplicationId: "d-q" });
    });

    it("suffixes a header dedup id with -<index> for items after the first of a batch; body ids stay as they are", () => {
        const sent = request({ "x-group-key": "g", "x-deduplication-id": "batch-1" });
        assert.deepEqual([0, 1, 2].map((i) => routeMessage("orders", ordered, sent, { orderId: `o-${i}` }, i).deduplicationId), ["batch-1", "batch-1-1", "batch-1-2"]);
        const fromBody = [0, 1].map((i) => routeMessage("orders", ordered, request({ "x-group-key": "g" }), { orderId: `o-${i}` }, i).deduplicationId);
        assert.deepEqual(fromBody, ["o-0", "o-1"]);
    });

    it("rejects a FIFO message without a group key, naming the header, query parameter and body path", () => {
        rejects(() => routeMessage("orders", ordered, request(), { orderId: "o-1", customer: {} }, 0), 400,
            'Queue "orders" is FIFO: send a group key in the x-group-key header, the groupKey query parameter or the message at body.customer.id.');
        rejects(() => routeMessage("fifo", { fifo: true, maxDelaySeconds: 0 }, request(), {}, 0), 400,
            'Queue "fifo" is FIFO: send a group key in the x-group-key header or the groupKey query parameter.');
    });

    it("ignores group keys on an unordered queue", () => {
        assert.deepEqual(routeMessage("scrape", plain, request({ "x-group-key": "g" }), {}, 0), { delaySeconds: 0 });
    });

    it("rejects a message without a dedup id when the queue reads one from the body", () => {
        rejects(() => routeMessage("orders", ordered, request({ "x-group-key": "g" }), { orderId: "" }, 0), 400,
            'Queue "orders" deduplicates by the sender\'s id: send it in the x-deduplication-id header or the message at body.orderId (spec queues[].deduplicationKey).');
    });

    it("rejects ids with spaces or over 128 characters, naming where they came from", () => {
        rejects(() => routeMessage("orders", ordered, request(), { customer: { id: "Jane Doe" }, orderId: "o" }, 0), 400,
            'The group key at body.customer.id must be 1 to 128 visible ASCII characters, i.e. letters, digits and punctuation without spaces (got "Jane Doe", 8 characters). Send an id of that form.');
        const long = "d".repeat(127);
        assert.equal(routeMessage("orders", ordered, request({ "x-group-key": "g", "x-deduplication-id": long }), {}, 0).deduplicationId, long);
        rejects(() => routeMessage("orders", ordered, request({ "x-group-key": "g", "x-deduplication-id": long }), {}, 1), 400,
            `The deduplication id of item 1 (x-deduplication-id header plus "-1") must be 1 to 128 visible ASCII characters, i.e. letters, digits and punctuation without spaces (got "${"d".repeat(60)}...", 129 characters). Send an id of that form.`);
    });

    it("carries x-correlation-id, checked like the other ids", () => {
        assert.deepEqual(routeMessage("scrape", plain, request({ "X-Correlation-Id": " req-42 " }), {}, 0), { delaySeconds: 0, correlationId: "req-42" });
        rejects(() => routeMessage("scrape", plain, request({ "x-correlation-id": "a\u0007b" }), {}, 0), 400,
            'The x-correlation-id header must be 1 to 128 visible ASCII characters, i.e. letters, digits and punctuation without spaces (got "a\\u0007b", 3 characters). Send an id of that form.');
    });
});

describe("runtime: requestedWaitSeconds", () => {
    it("is 0 without a wait, reads Prefer: wait=N among other preferences, and the wait query parameter first", () => {
        assert.equal(requestedWaitSeconds(request(), 20), 0);
        assert.equal(requestedWaitSeconds(request({ Prefer: "wait=10" }), 20), 10);
        assert.equal(requestedWaitSeconds(request({ prefer: 'respond-async, Wait="7"; foo=bar' }), 20), 7);
        assert.equal(requestedWaitSeconds(request({ prefer: "respond-async" }), 20), 0);
        assert.equal(requestedWaitSeconds(request({ prefer: "wait=10" }, { wait: "3" }), 20), 3);
        assert.equal(requestedWaitSeconds(request({}, { wait: "20" }), 20), 20);
    });

    it("rejects a wait over frontEnd.maxWaitSeconds, and one that is not a whole number", () => {
        rejects(() => requestedWaitSeconds(request({ prefer: "wait=21" }), 20), 400,
            "Wait of 21 s is over the front end's limit of 20 s (spec frontEnd.maxWaitSeconds). Ask for 0 to 20, or raise frontEnd.maxWaitSeconds.");
        rejects(() => requestedWaitSeconds(request({}, { wait: "1" }), 0), 400,
            "The front end does not wait for results (got wait=1): spec frontEnd.maxWaitSeconds is 0. Send no wait and poll the status URL, or raise frontEnd.maxWaitSeconds.");
        rejects(() => requestedWaitSeconds(request({ prefer: "wait=" }), 20), 400,
            'The wait (Prefer: wait=N header or wait query parameter) must be a whole number of seconds from 0 to 20 (got ""). Send e.g. Prefer: wait=10.');
    });
});

describe("runtime: waitForJob", () => {
    it("returns the first value a read yields, after reads that yield undefined or throw", async () => {
        const answers: (() => Promise<string | undefined>)[] = [async () => undefined, async () => { throw new Error("store down"); }, async () => "done"];
        let reads = 0;
        const value = await waitForJob(() => answers[reads++]!(), 5, 1);
        assert.equal(value, "done");
        assert.equal(reads, 3);
    });

    it("resolves undefined once the time is up, having read more than once", async () => {
        let reads = 0;
        const value = await waitForJob(async () => void reads++, 0.05, 1);
        assert.equal(value, undefined);
        assert.ok(reads >= 2, `read ${reads} times`);
    });

    it("does not outwait a read that never answers", async () => {
        assert.equal(await waitForJob(() => new Promise<string>(() => undefined), 0.02), undefined);
    });

    it("does not read at all for a wait of 0", async () => {
        let reads = 0;
        assert.equal(await waitForJob(async () => String(++reads), 0), undefined);
        assert.equal(reads, 0);
    });
});

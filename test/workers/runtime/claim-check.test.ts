import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { createProcessor, defineWorker, MemoryWorkerStore, type Message, type RawMessage, type RuntimeSettings } from "../../../workers/runtime";
import { BlobNotFoundError, checkIn, checkOut, claimCheckLimitBytes, MemoryBlobStore, type BlobStore } from "../../../workers/runtime/claim-check";
import { IntakeError } from "../../../workers/runtime/intake";
import { capturedLogger } from "../helpers/capture-logs";

const settings: RuntimeSettings = { idempotency: { enabled: false, key: "messageId", ttlSeconds: 0 }, resultTtlSeconds: 86_400, timeoutSeconds: 30 };
const limit = claimCheckLimitBytes(256);
const hex = (text: string) => createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex");

const raw = (id: string, body: string): RawMessage => ({ id, body, attributes: {}, attempt: 1, enqueuedAt: new Date("2026-01-01T00:00:00Z") });

/** A processor whose handler keeps the bodies it sees, with job records in `jobs`. */
function processorWith(blobStore: BlobStore | undefined) {
    const seen: unknown[] = [];
    const jobs = new MemoryWorkerStore();
    const worker = defineWorker({ handle: (message: Message) => void seen.push(message.body) });
    const run = createProcessor({ worker, settings, store: jobs, logger: capturedLogger().logger, scope: "docs", ...(blobStore ? { blobStore } : {}) });
    return { run, seen, jobs };
}

/** A JSON body of at least `bytes` UTF-8 bytes with one- to four-byte characters. */
function bigBody(bytes: number): string {
    const chunk = "plain ascii, é, €, 😀; ";
    return JSON.stringify({ id: "doc-1", text: chunk.repeat(Math.ceil(bytes / Buffer.byteLength(chunk))) });
}

async function rejectsWith<T extends Error>(run: Promise<unknown>, type: new (...args: never[]) => T, check: (error: T) => void): Promise<void> {
    await assert.rejects(run, (error: unknown) => {
        assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
        check(error);
        return true;
    });
}

describe("runtime: claim check", () => {
    it("leaves a body within the limit untouched and stores nothing", async () => {
        const store = new MemoryBlobStore();
        const body = "x".repeat(limit - 8);
        const fits = `{"a":"${body}"}`; // exactly `limit` bytes
        assert.equal(Buffer.byteLength(fits), limit);
        assert.equal(await checkIn(fits, limit, store, "k"), fits);
        assert.equal(await checkIn('{"url":"https://a.test/1"}', limit, store, "k"), '{"url":"https://a.test/1"}');
        assert.equal(store.size, 0);
        assert.equal(await checkOut('{"url":"https://a.test/1"}', store), '{"url":"https://a.test/1"}');
    });

    it("stores a body one byte over the limit and returns the exact reference", async () => {
        const store = new MemoryBlobStore();
        const over = `{"a":"${"x".repeat(limit - 7)}"}`;
        assert.equal(Buffer.byteLength(over), limit + 1);
        const reference = await checkIn(over, limit, store, "docs/m-1");
        assert.equal(reference, `{"queuestackClaimCheck":{"key":"docs/m-1","bytes":${limit + 1},"sha256":"${hex(over)}"}}`);
        assert.equal(store.size, 1);
        assert.equal((await store.get("docs/m-1")).toString("utf8"), over);
    });

    it("round-trips a 5 MB body byte for byte through checkIn, the blob store and the processor", async () => {
        const store = new MemoryBlobStore();
        const body = bigBody(5 * 1024 * 1024);
        assert.ok(Buffer.byteLength(body) >= 5 * 1024 * 1024);
        const reference = await checkIn(body, limit, store, "docs/big");
        assert.equal(reference, `{"queuestackClaimCheck":{"key":"docs/big","bytes":${Buffer.byteLength(body)},"sha256":"${hex(body)}"}}`);
        assert.ok(Buffer.byteLength(reference) < 200, `reference is ${Buffer.byteLength(reference)} bytes`);
        const resolved = await checkOut(reference, store);
        assert.equal(Buffer.compare(Buffer.from(resolved, "utf8"), Buffer.from(body, "utf8")), 0);
        assert.equal(resolved, body);

        const { run, seen } = processorWith(store);
        assert.deepEqual(await run(raw("m-big", reference)), { kind: "done", result: null });
        assert.equal(seen.length, 1);
        assert.equal(JSON.stringify(seen[0]), body, "the handler sees the body the sender sent");
    });

    it("dead-letters a reference whose blob does not match its digest, recording the reason", async () => {
        const store = new MemoryBlobStore();
        const body = `{"a":"${"x".repeat(limit)}"}`;
        const reference = await checkIn(body, limit, store, "docs/m-2");
        const tampered = body.replace("xx", "yy");
        await store.put("docs/m-2", Buffer.from(tampered));
        const reason = `the claim-checked body "docs/m-2" does not match its reference: ${limit + 8} bytes with sha256 ${hex(tampered)}, expected ${limit + 8} bytes with sha256 ${hex(body)}`;
        const { run, seen, jobs } = processorWith(store);
        assert.deepEqual(await run(raw("m-2", reference)), { kind: "dead-letter", reason });
        assert.deepEqual(seen, []);
        const job = await jobs.getJob("m-2");
        assert.deepEqual(job && { status: job.status, reason: job.status === "dead-letter" ? job.reason : undefined }, { status: "dead-letter", reason });
    });

    it("dead-letters a reference whose blob is missing", async () => {
        const reference = await checkIn(bigBody(limit), limit, new MemoryBlobStore(), "docs/gone");
        const { run, seen } = processorWith(new MemoryBlobStore());
        assert.deepEqual(await run(raw("m-3", reference)), {
            kind: "dead-letter",
            reason: 'the claim-checked body "docs/gone" is missing from the blob store (expired or never written)',
        });
        assert.deepEqual(seen, []);
    });

    it("dead-letters a reference reaching a worker with no blob store", async () => {
        const reference = await checkIn(bigBody(limit), limit, new MemoryBlobStore(), "docs/m-4");
        const { run } = processorWith(undefined);
        assert.deepEqual(await run(raw("m-4", reference)), {
            kind: "dead-letter",
            reason: 'the message is a claim-check reference to "docs/m-4" but this worker has no blob store (spec largeMessages.enabled is off where it runs)',
        });
    });

    it("dead-letters a malformed reference", async () => {
        const { run } = processorWith(new MemoryBlobStore());
        const body = '{"queuestackClaimCheck":{"key":"k","bytes":"12"}}';
        assert.deepEqual(await run(raw("m-5", body)), {
            kind: "dead-letter",
            reason: `the claim-check reference is malformed (${body}); it needs a key, bytes and a sha256`,
        });
    });

    it("retries when the blob store fails for another reason", async () => {
        const reference = await checkIn(bigBody(limit), limit, new MemoryBlobStore(), "docs/m-6");
        const flaky: BlobStore = { put: async () => undefined, get: async () => { throw new Error("connection reset"); } };
        const { run } = processorWith(flaky);
        assert.deepEqual(await run(raw("m-6", reference)), { kind: "retry", reason: "the blob store failed: Error: connection reset" });
    });

    it("answers 413 for a body over the limit when there is no blob store", async () => {
        const body = `{"a":"${"x".repeat(limit)}"}`;
        await rejectsWith(checkIn(body, limit, undefined, "k"), IntakeError, (error) => {
            assert.equal(error.statusCode, 413);
            assert.equal(error.message, `The message is ${limit + 8} bytes; the queue takes at most ${limit}. Send a smaller message, or turn on the claim check (spec largeMessages.enabled) to store large bodies in object storage.`);
        });
    });

    it("refuses a sender's body that poses as a reference", async () => {
        const store = new MemoryBlobStore();
        await rejectsWith(checkIn('{"queuestackClaimCheck":{"key":"other"}}', limit, store, "k"), IntakeError, (error) => {
            assert.equal(error.statusCode, 400);
            assert.equal(error.message, 'The message has the top-level field "queuestackClaimCheck", which queuestack reserves for claim-checked bodies. Rename the field.');
        });
        assert.equal(store.size, 0);
    });

    it("keeps 4 KiB of a queue's limit for the envelope, and MemoryBlobStore reports a missing key as BlobNotFoundError", async () => {
        assert.equal(claimCheckLimitBytes(256), 258_048);
        await rejectsWith(new MemoryBlobStore().get("nope"), BlobNotFoundError, (error) => assert.equal(error.message, 'no blob under "nope"'));
    });
});

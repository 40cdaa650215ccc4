import { strict as assert } from "node:assert";
import { maxJsonDepth } from "../../../workers/runtime/intake";
import { motoAvailable, useMoto } from "../helpers/moto";
import { awsUnderTest, azureUnderTest, gcpUnderTest, localUnderTest, maxBodyBytes, queueName, type FrontEndUnderTest } from "./harness";

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const enqueuePath = `/queues/${queueName}/messages`;

/** The HTTP contract every front end keeps: the same requests get the same answers on aws, azure, gcp and local. */
for (const name of ["aws", "azure", "gcp", "local"] as const) {
    describe(`front-end contract: ${name}`, function () {
        this.timeout(20_000);
        const moto = name === "aws" ? useMoto() : undefined;
        let frontEnd: FrontEndUnderTest;
        before(async function () {
            if (name === "aws" && !motoAvailable()) this.skip();
            frontEnd = name === "aws" ? await awsUnderTest(moto!()) : name === "azure" ? await azureUnderTest() : name === "gcp" ? await gcpUnderTest() : await localUnderTest();
        });
        after(() => frontEnd?.stop());

        it("GET /jobs/{id} answers queued for an accepted message, and 404 only for an id it never accepted", async () => {
            const accepted = await frontEnd.call("POST", enqueuePath, json({ url: "https://a.test/1" }));
            assert.equal(accepted.status, 202);
            const id = accepted.body.messageId as string;
            const status = await frontEnd.call("GET", `/jobs/${encodeURIComponent(id)}`);
            assert.equal(status.status, 200);
            assert.deepEqual(status.body, { id, status: "queued", at: status.body.at });
            assert.ok(Math.abs(Date.parse(status.body.at) - Date.now()) < 60_000, `accepted just now (${status.body.at})`);

            // The worker's record supersedes the front end's note.
            await frontEnd.jobs.putJob(id, { status: "retrying", reason: "Error: 503", attempt: 1, at: new Date("2026-12-04T10:00:00Z") }, 60);
            assert.deepEqual((await frontEnd.call("GET", `/jobs/${encodeURIComponent(id)}`)).body, { id, status: "retrying", reason: "Error: 503", attempt: 1, at: "2026-12-04T10:00:00.000Z" });

            const unknown = await frontEnd.call("GET", "/jobs/no-such-job");
            assert.equal(unknown.status, 404);
            assert.deepEqual(unknown.body, {
                error: 'No job "no-such-job": this front end never accepted a message with that id, or its record has expired (spec datastore.ttlDays). Use the messageId or statusUrl a POST answered with.',
            });
        });

        it("a batch's items each read queued", async () => {
            const accepted = await frontEnd.call("POST", enqueuePath, json([{ n: 1 }, { n: 2 }]));
            assert.equal(accepted.status, 202);
            for (const id of accepted.body.messageIds as string[]) assert.equal((await frontEnd.call("GET", `/jobs/${encodeURIComponent(id)}`)).body.status, "queued");
        });

        it("rejects a body that is not valid UTF-8 with 400 and where, enqueuing nothing", async () => {
            const before = await frontEnd.enqueued();
            // "é" as Latin-1 (0xe9) inside otherwise valid JSON: decoding it would swap in U+FFFD.
            const body = Buffer.concat([Buffer.from('{"title":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
            const answer = await frontEnd.call("POST", enqueuePath, body);
            assert.deepEqual(answer, { status: 400, body: { error: "Request body is not valid UTF-8 (byte 13 is 0xe9); it would not reach the worker as sent. Send JSON encoded as UTF-8." } });
            assert.equal(await frontEnd.enqueued(), before);
        });

        it("accepts multi-byte UTF-8 as sent", async () => {
            const answer = await frontEnd.call("POST", enqueuePath, json({ title: "café ✓ 🚀" }));
            assert.equal(answer.status, 202);
        });

        it(`rejects JSON nested deeper than ${maxJsonDepth} levels with 400, enqueuing nothing`, async () => {
            const before = await frontEnd.enqueued();
            const expected = { status: 400, body: { error: `Request body nests arrays and objects more than ${maxJsonDepth} levels deep. Flatten the message to at most ${maxJsonDepth} levels.` } };
            // 5,000 levels in 30 KB: walking it recursively overflows the stack.
            const deep = Buffer.from(`{"a":${'{"b":'.repeat(5000)}1${"}".repeat(5000)}}`);
            assert.ok(deep.length > 30_000 && deep.length < maxBodyBytes);
            assert.deepEqual(await frontEnd.call("POST", enqueuePath, deep), expected);
            assert.deepEqual(await frontEnd.call("POST", enqueuePath, Buffer.from(`{"a":${"[".repeat(maxJsonDepth)}${"]".repeat(maxJsonDepth)}}`)), expected);
            // At the limit is accepted: the object and 63 arrays.
            const atLimit = await frontEnd.call("POST", enqueuePath, Buffer.from(`{"a":${"[".repeat(maxJsonDepth - 1)}${"]".repeat(maxJsonDepth - 1)}}`));
            assert.equal(atLimit.status, 202);
            // Brackets inside strings are text, not nesting.
            assert.equal((await frontEnd.call("POST", enqueuePath, json({ text: "[".repeat(500) }))).status, 202);
            assert.equal(await frontEnd.enqueued(), before + 2);
        });

        it("answers an unknown route with the documented { error } shape", async () => {
            const answer = await frontEnd.call("DELETE", `/queues/${queueName}/messages`);
            assert.equal(answer.status, 404);
            assert.deepEqual(Object.keys(answer.body), ["error"]);
            assert.match(answer.body.error, /^No route DELETE .*queues.*\. Use POST .*queues\/\{queue\}\/messages/);
        });

        it("says a finished job was deduplicated and points at the job that did the work at GET /jobs/{id}", async () => {
            const accepted = await frontEnd.call("POST", enqueuePath, json({ url: "https://a.test/seen" }));
            const id = accepted.body.messageId as string;
            // What the worker runtime records for a message whose idempotency key was already completed.
            await frontEnd.jobs.putJob(id, { status: "done", result: { title: "Seen" }, at: new Date("2026-12-04T09:00:00Z"), duplicateOf: "first-job" }, 60);
            const expected = {
                id,
                status: "done",
                result: { title: "Seen" },
                deduplicated: true,
                duplicateOf: { messageId: "first-job", statusUrl: `${frontEnd.basePath}/jobs/first-job` },
                at: "2026-12-04T09:00:00.000Z",
            };
            assert.deepEqual((await frontEnd.call("GET", `/jobs/${encodeURIComponent(id)}`)).body, expected);
            // A job that was not a duplicate says nothing of it.
            await frontEnd.jobs.putJob(id, { status: "done", result: { title: "Seen" }, at: new Date("2026-12-04T09:00:00Z") }, 60);
            assert.deepEqual((await frontEnd.call("GET", `/jobs/${encodeURIComponent(id)}`)).body, { id, status: "done", result: { title: "Seen" }, at: "2026-12-04T09:00:00.000Z" });
        });

        it("the over-limit answer is 413 with the limit and how to fix it", async () => {
            const before = await frontEnd.enqueued();
            const body = json({ pad: "x".repeat(maxBodyBytes) });
            const answer = await frontEnd.call("POST", enqueuePath, body);
            assert.deepEqual(answer, { status: 413, body: { error: `Request body is ${body.length} bytes; the limit is ${maxBodyBytes} bytes (spec frontEnd.maxBodyKb). Split the batch into smaller requests.` } });
            assert.equal(await frontEnd.enqueued(), before);
        });
    });
}

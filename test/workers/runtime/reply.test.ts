import { strict as assert } from "node:assert";
import { acceptedReply, MemoryWorkerStore, type JobStore } from "../../../workers/runtime";

const at = new Date("2026-11-22T10:00:00Z");

describe("runtime: the front end's reply to accepted messages (request-response)", () => {
    it("answers 202 at once without a wait, with the id, the correlation id and the status path", async () => {
        const jobs = new MemoryWorkerStore();
        await jobs.putJob("m-1", { status: "done", result: { ok: true }, at }, 60);
        assert.deepEqual(await acceptedReply({ ids: ["m-1"], batch: false, correlationId: "order-7", waitSeconds: 0, jobs }), {
            statusCode: 202,
            body: { messageId: "m-1", correlationId: "order-7", statusUrl: "/jobs/m-1" },
        });
    });

    it("answers 200 with the result once the job is done, and 200 with the reason once it is dead-lettered", async () => {
        const jobs = new MemoryWorkerStore();
        await jobs.putJob("m-1", { status: "done", result: { title: "A" }, at }, 60);
        await jobs.putJob("m-2", { status: "dead-letter", reason: "HTTP 404", attempt: 5, at }, 60);
        assert.deepEqual(await acceptedReply({ ids: ["m-1"], batch: false, waitSeconds: 1, jobs }), {
            statusCode: 200,
            body: { id: "m-1", status: "done", result: { title: "A" }, at: "2026-11-22T10:00:00.000Z" },
        });
        assert.deepEqual(await acceptedReply({ ids: ["m-1", "m-2"], batch: true, correlationId: "c", waitSeconds: 1, jobs }), {
            statusCode: 200,
            body: {
                correlationId: "c",
                jobs: [
                    { id: "m-1", status: "done", result: { title: "A" }, at: "2026-11-22T10:00:00.000Z" },
                    { id: "m-2", status: "dead-letter", reason: "HTTP 404", attempt: 5, at: "2026-11-22T10:00:00.000Z" },
                ],
            },
        });
    });

    it("waits for a job that finishes while it polls", async () => {
        const jobs = new MemoryWorkerStore();
        setTimeout(() => void jobs.putJob("m-1", { status: "done", result: 42, at }, 60), 150);
        const reply = await acceptedReply({ ids: ["m-1"], batch: false, waitSeconds: 5, jobs });
        assert.deepEqual(reply, { statusCode: 200, body: { id: "m-1", status: "done", result: 42, at: "2026-11-22T10:00:00.000Z" } });
    });

    it("falls back to 202 when a job is still retrying, unknown or unreadable when the wait ends", async () => {
        const jobs = new MemoryWorkerStore();
        await jobs.putJob("m-1", { status: "done", result: 1, at }, 60);
        await jobs.putJob("m-2", { status: "retrying", reason: "timeout", attempt: 1, at }, 60);
        assert.deepEqual(await acceptedReply({ ids: ["m-1", "m-2", "m 3"], batch: true, waitSeconds: 0.2, jobs }), {
            statusCode: 202,
            body: { messageIds: ["m-1", "m-2", "m 3"], statusUrls: ["/jobs/m-1", "/jobs/m-2", "/jobs/m%203"] },
        });
        assert.deepEqual((await acceptedReply({ ids: ["m-4"], batch: false, waitSeconds: 0, jobs, basePath: "/api" })).body, { messageId: "m-4", statusUrl: "/api/jobs/m-4" });
        const failing: JobStore = { putJob: async () => undefined, getJob: async () => Promise.reject(new Error("throttled")) };
        assert.deepEqual(await acceptedReply({ ids: ["m-9"], batch: false, waitSeconds: 0.2, jobs: failing }), {
            statusCode: 202,
            body: { messageId: "m-9", statusUrl: "/jobs/m-9" },
        });
    });
});

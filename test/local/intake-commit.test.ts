import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { validateSpec } from "../../components/spec";
import { SqliteWorkerStore } from "../../local/datastore";
import { openDatabase, type LocalDatabase } from "../../local/engine/database";
import { QueueEngine } from "../../local/engine/queue-engine";
import { createLocalFrontEnd } from "../../local/front-end/server";
import { localQueues } from "../../local/stack-settings";
import { createLogger } from "../../workers/runtime";

describe("local front end: one durable commit per accepted request", () => {
    let dir: string;
    let db: LocalDatabase;
    let app: ReturnType<typeof createLocalFrontEnd>;
    let commits: string[];

    beforeEach(async () => {
        dir = mkdtempSync(path.join(tmpdir(), "queuestack-intake-commit-"));
        db = openDatabase(path.join(dir, "queuestack.db"));
        const spec = validateSpec({ name: "commits", frontEnd: { auth: "none" }, queues: [{ name: "work" }], workers: [{ name: "worker", queue: "work", code: "unused" }] }, "local");
        const engine = new QueueEngine(db, localQueues(spec));
        const jobs = new SqliteWorkerStore(db, engine.owner);
        app = createLocalFrontEnd({ spec, engine, jobs, logger: createLogger({ level: "silent" }), snapshot: () => ({ queues: [], inFlightByWorker: {}, outcomes: [], latencies: [], alarms: [] }) });
        await app.ready();
        commits = [];
        const exec = db.exec.bind(db);
        db.exec = (sql: string) => {
            if (sql === "COMMIT") commits.push(sql);
            return exec(sql);
        };
    });
    afterEach(async () => {
        await app?.close();
        db.close();
        rmSync(dir, { recursive: true, force: true });
    });

    const post = (payload: unknown) => app.inject({ method: "POST", url: "/queues/work/messages", payload: payload as object });

    it("stores the message and its queued job record in the same commit, before the 202", async () => {
        const answer = await post({ n: 1 });
        assert.equal(answer.statusCode, 202);
        assert.equal(commits.length, 1, "one commit: the send and the job record together");
        const id = (answer.json() as { messageId: string }).messageId;
        assert.equal((db.prepare("SELECT count(*) AS n FROM messages WHERE id = ?").get(id) as { n: number }).n, 1);
        const record = db.prepare("SELECT record FROM jobs WHERE id = ?").get(`${id}.accepted`) as { record: string } | undefined;
        assert.equal((JSON.parse(record!.record) as { status: string }).status, "queued");
        const status = await app.inject({ method: "GET", url: `/jobs/${id}` });
        assert.equal((status.json() as { status: string }).status, "queued");
    });

    it("does the same for a batch: one commit for every message and every record", async () => {
        const answer = await post([{ n: 1 }, { n: 2 }, { n: 3 }]);
        assert.equal(answer.statusCode, 202);
        assert.equal(commits.length, 1);
        const ids = (answer.json() as { messageIds: string[] }).messageIds;
        assert.equal((db.prepare(`SELECT count(*) AS n FROM jobs WHERE id IN (${ids.map(() => "?").join(",")})`).get(...ids.map((id) => `${id}.accepted`)) as { n: number }).n, 3);
    });

    it("stores neither when the request is refused", async () => {
        const answer = await app.inject({ method: "POST", url: "/queues/work/messages", headers: { "content-type": "application/json" }, payload: "{not json" });
        assert.equal(answer.statusCode, 400);
        assert.equal(commits.length, 0);
        assert.deepEqual(db.prepare("SELECT count(*) AS n FROM jobs").get(), { n: 0 });
        assert.deepEqual(db.prepare("SELECT count(*) AS n FROM messages").get(), { n: 0 });
    });
});

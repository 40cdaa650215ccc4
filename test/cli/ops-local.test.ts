import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { validateSpec } from "../../components/spec";
import { localDatabaseFile } from "../../operations/targets/local";
import { openDatabase, type LocalDatabase } from "../../local/engine/database";
import { QueueEngine } from "../../local/engine/queue-engine";
import { localQueues } from "../../local/stack-settings";
import { opsSpec, queuestack, stackDir } from "./ops-cli";

const groups = ["g1", "g2", "g3", "g4", "g5"];
let batchNumber = 0;

describe("queuestack operations on the local target", () => {
    let project: ReturnType<typeof stackDir>;
    let dataDir: string;
    let db: LocalDatabase;
    let engine: QueueEngine;
    const flags = () => ["--stack", "ops", "--dir", project.dir, "--target", "local", "--data-dir", dataDir];

    /** Sends `count` messages spread over the groups and dead-letters each through the engine, with a reason. */
    function deadLetter(queue: string, count: number): { id: string; group: string; seq: number }[] {
        batchNumber += 1;
        const sent = engine.sendBatch(
            queue,
            Array.from({ length: count }, (_, seq) => ({
                body: JSON.stringify({ seq }),
                groupKey: groups[seq % groups.length],
                deduplicationId: `d-${batchNumber}-${seq}`,
                attributes: { seq: String(seq), origin: "test" },
            })),
        );
        for (;;) {
            const batch = engine.receive(queue, 10);
            if (batch.length === 0) break;
            for (const delivery of batch) engine.deadLetter(delivery.receipt, `page ${delivery.body} returned 500`);
        }
        return sent.map((r, seq) => ({ id: r.id, group: groups[seq % groups.length], seq }));
    }

    beforeEach(() => {
        project = stackDir("ops", { "queuestack:cloud": "aws", "aws:region": "eu-west-1", "queuestack:spec": opsSpec });
        dataDir = path.join(project.dir, "data");
        db = openDatabase(localDatabaseFile(dataDir));
        engine = new QueueEngine(db, localQueues(validateSpec(opsSpec, "local")));
    });

    afterEach(() => {
        db.close();
        project.cleanup();
    });

    it("redrives 500 FIFO dead letters: none lost, each group in order, body, attributes, group and dedup id kept", async () => {
        const sent = deadLetter("publish", 500);
        assert.equal(engine.stats("publish").deadLetters, 500);

        const result = await queuestack(["dlq", "redrive", ...flags(), "--queue", "publish"]);
        assert.deepEqual(result, { code: 0, out: 'Redrove 500 dead letters back to "publish" (stack ops, local).', err: "" });

        assert.equal(engine.stats("publish").deadLetters, 0);
        const received: { id: string; group: string; seq: number; attributes: Record<string, string>; dedup?: string }[] = [];
        for (;;) {
            const batch = engine.receive("publish", 10);
            if (batch.length === 0) break;
            for (const d of batch) {
                received.push({ id: d.id, group: d.groupKey!, seq: (JSON.parse(d.body) as { seq: number }).seq, attributes: d.attributes, ...(d.deduplicationId ? { dedup: d.deduplicationId } : {}) });
            }
            engine.delete(batch.map((d) => d.receipt));
        }
        assert.equal(received.length, 500);
        assert.deepEqual(new Set(received.map((r) => r.id)), new Set(sent.map((s) => s.id)));
        for (const group of groups) {
            const order = received.filter((r) => r.group === group).map((r) => r.seq);
            assert.equal(order.length, 100);
            assert.deepEqual(order, [...order].sort((a, b) => a - b), `group ${group} keeps send order`);
        }
        const first = received.find((r) => r.seq === 7)!;
        assert.deepEqual(first.attributes, { seq: "7", origin: "test" });
        assert.equal(first.dedup, `d-${batchNumber}-7`);
    });

    it("redrives only the selected ids and leaves the others in the dead-letter queue", async () => {
        const sent = deadLetter("scrape", 6);
        const picked = [sent[1].id, sent[4].id];
        const result = await queuestack(["dlq", "redrive", ...flags(), "--queue", "scrape", "--id", picked.join(",")]);
        assert.equal(result.code, 0, result.err);
        assert.equal(result.out, 'Redrove 2 dead letters back to "scrape" (stack ops, local).');
        assert.deepEqual(engine.receive("scrape", 10).map((d) => d.id).sort(), [...picked].sort());
        assert.deepEqual(engine.deadLetters.list("scrape").map((d) => d.id), [sent[0], sent[2], sent[3], sent[5]].map((s) => s.id));
    });

    it("reports selected ids that are not dead letters, and exits 1", async () => {
        deadLetter("scrape", 1);
        const result = await queuestack(["dlq", "redrive", ...flags(), "--queue", "scrape", "--id", "no-such-id"]);
        assert.deepEqual(result, {
            code: 1,
            out: 'Redrove 0 dead letters back to "scrape" (stack ops, local).',
            err: "queuestack: not found in the dead-letter queue (or behind unselected messages of their FIFO group): no-such-id",
        });
        assert.equal(engine.stats("scrape").deadLetters, 1);
    });

    it("lists dead letters with attempts, group and reason, and shows one in full", async () => {
        const [m] = deadLetter("publish", 1);
        const list = await queuestack(["dlq", "list", ...flags(), "--queue", "publish"]);
        assert.equal(list.code, 0, list.err);
        const lines = list.out.split("\n");
        assert.equal(lines[0], 'Dead letters of "publish" (stack ops, local): 1');
        assert.match(lines[2], /^ID\s+ATTEMPTS\s+GROUP\s+SENT\s+REASON$/);
        assert.match(lines[3], new RegExp(`^${m.id}  1         g1     \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ  page \\{"seq":0\\} returned 500$`));
        assert.equal(lines.length, 4);

        const show = await queuestack(["dlq", "show", ...flags(), "--queue", "publish", "--id", m.id]);
        assert.equal(show.code, 0, show.err);
        assert.ok(show.out.startsWith(`id:           ${m.id}\nattempts:     1\nreason:       page {"seq":0} returned 500\ngroup:        g1\n`), show.out);
        assert.ok(show.out.endsWith('attributes:   seq=0, origin=test\nbody:\n{\n  "seq": 0\n}'), show.out);
        // Looking does not move anything.
        assert.equal(engine.stats("publish").deadLetters, 1);
    });

    it("purges only after confirmation: 'n' keeps every dead letter, 'y' and --yes delete them", async () => {
        deadLetter("scrape", 4);
        const refused = await queuestack(["dlq", "purge", ...flags(), "--queue", "scrape"], "n\n");
        assert.deepEqual(refused, { code: 1, out: "", err: "queuestack: Not confirmed: nothing purged. Pass --yes to purge without asking." });
        assert.equal(engine.stats("scrape").deadLetters, 4);

        const silent = await queuestack(["dlq", "purge", ...flags(), "--queue", "scrape"]);
        assert.equal(silent.code, 1, "no answer at all is a no");
        assert.equal(engine.stats("scrape").deadLetters, 4);

        const yes = await queuestack(["dlq", "purge", ...flags(), "--queue", "scrape"], "y\n");
        assert.deepEqual(yes, { code: 0, out: 'Purged 4 dead letters of "scrape" (stack ops, local).', err: "" });
        assert.equal(engine.stats("scrape").deadLetters, 0);

        deadLetter("scrape", 2);
        deadLetter("publish", 3);
        const scripted = await queuestack(["dlq", "purge", ...flags(), "--queue", "scrape", "--yes"]);
        assert.deepEqual(scripted, { code: 0, out: 'Purged 2 dead letters of "scrape" (stack ops, local).', err: "" });
        assert.equal(engine.stats("publish").deadLetters, 3, "the other queue's dead letters stay");
    });

    it("shows status per queue with the spec's thresholds marked where reached", async () => {
        deadLetter("publish", 3);
        engine.send("scrape", "{}");
        engine.send("scrape", "{}");
        engine.receive("scrape", 1);
        const status = await queuestack(["status", ...flags()]);
        assert.equal(status.code, 0, status.err);
        const lines = status.out.split("\n");
        assert.equal(lines[0], 'Stack "ops" on local: alarms at dead letters >= 3, oldest message >= 600 s');
        assert.equal(lines[2], "QUEUE    WAITING  IN FLIGHT  OLDEST  DEAD LETTERS");
        assert.match(lines[3], /^scrape   1        1          [01] s     0$/);
        assert.equal(lines[4], "publish  0        0          0 s     3  ! >= 3");
        assert.equal(lines.length, 5);
    });

    it("sends a message with attributes, group key and dedup id", async () => {
        const sent = await queuestack(["send", ...flags(), "--queue", "publish", "--body", '{"url":"https://example.com/a"}', "--group", "site-1", "--dedup-id", "a-1", "--attribute", "source=smoke"]);
        assert.equal(sent.code, 0, sent.err);
        const [delivery] = engine.receive("publish", 10);
        assert.equal(sent.out, `Sent to "publish" (stack ops, local): message ${delivery.id}`);
        assert.deepEqual(
            { body: delivery.body, group: delivery.groupKey, dedup: delivery.deduplicationId, attributes: delivery.attributes },
            { body: '{"url":"https://example.com/a"}', group: "site-1", dedup: "a-1", attributes: { source: "smoke" } },
        );
    });

    it("answers bad flags and unknown queues with one line and exit code 2", async () => {
        const cases: [string[], string][] = [
            [["dlq", "redrive", ...flags(), "--queue", "nope"], 'queuestack: unknown queue "nope" in stack "ops". Queues: scrape, publish.'],
            [["dlq", "redrive", ...flags(), "--queue", "scrape", "--rate", "fast"], `queuestack: option '--rate <n>' argument 'fast' is invalid. must be a number > 0 (got "fast").`],
            [["dlq", "redrive", ...flags()], "queuestack: required option '-q, --queue <name>' not specified"],
            [["dlq", "purge", ...flags(), "--queue", "scrape", "--yse"], "queuestack: unknown option '--yse' (Did you mean --yes?)"],
            [["status", "--stack", "nope", "--dir", project.dir], `queuestack: no stack file ${path.relative(process.cwd(), path.join(project.dir, "Pulumi.nope.yaml"))} (stack "nope"). Stacks here: ops.`],
            [["status", ...flags().slice(0, 4), "--target", "mars"], "queuestack: option '--target <target>' argument 'mars' is invalid. Allowed choices are aws, azure, gcp, local."],
            [["send", ...flags(), "--queue", "scrape"], "queuestack: send needs exactly one of --body <text> or --body-file <path>."],
            [["send", ...flags(), "--queue", "publish", "--body", "x"], 'queuestack: Queue "publish" is FIFO: every message needs a group key.'],
            [["dlq", "lst"], "queuestack: unknown command 'lst' (Did you mean list?)"],
        ];
        for (const [argv, line] of cases) {
            const result = await queuestack(argv);
            assert.deepEqual(result, { code: 2, out: "", err: line }, argv.join(" "));
        }
        // A command group without its subcommand gets its help on stderr, and still exit code 2.
        const bare = await queuestack(["dlq"]);
        assert.equal(bare.code, 2);
        assert.equal(bare.out, "");
        assert.ok(bare.err.startsWith("Usage: queuestack dlq [options] [command]\n"), bare.err);
        assert.match(bare.err, /\n {2}redrive \[options\] +send dead letters back to their queue/);
    });

    it("exits 2 from the installed bin too (the launcher runs the TypeScript source in the repository)", function () {
        this.timeout(20_000);
        const bin = path.resolve(__dirname, "..", "..", "bin", "queuestack.js");
        const run = spawnSync(process.execPath, [bin, "dlq", "list", ...flags(), "--queue", "nope"], { encoding: "utf8" });
        assert.deepEqual({ status: run.status, stdout: run.stdout, stderr: run.stderr }, { status: 2, stdout: "", stderr: 'queuestack: unknown queue "nope" in stack "ops". Queues: scrape, publish.\n' });
    });
});

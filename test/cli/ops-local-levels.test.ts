import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { validateSpec } from "../../components/spec";
import { LocalTarget, localDatabaseFile } from "../../operations/targets/local";
import { openDatabase } from "../../local/engine/database";
import { QueueEngine } from "../../local/engine/queue-engine";
import { localQueues } from "../../local/stack-settings";

const spec = validateSpec(
    {
        name: "ops",
        queues: [
            { name: "orders", priorities: { levels: [{ name: "high", weight: 3 }, { name: "normal", weight: 1 }, { name: "low", weight: 1 }], defaultLevel: "normal" } },
            { name: "plain" },
        ],
    },
    "local",
);

describe("queuestack operations on a local queue with priority levels", () => {
    it("sends to, counts and purges the default level of a spec queue, as the clouds' outputs point at it", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "queuestack-levels-"));
        const target = LocalTarget.open(spec, dir);
        const db = openDatabase(localDatabaseFile(dir));
        const engine = new QueueEngine(db, localQueues(spec));
        try {
            const [id] = await target.send("orders", [{ body: '{"n":1}', attributes: {} }]);
            assert.deepEqual(engine.receive("orders-high", 10), []);
            assert.deepEqual(engine.receive("orders-low", 10), []);
            const [delivery] = engine.receive("orders-normal", 10);
            assert.equal(delivery?.id, id);
            engine.deadLetter(delivery!.receipt, "boom");
            assert.deepEqual(await target.status("orders"), { visible: 0, inFlight: 0, oldestAgeSeconds: 0, deadLetters: 1 });
            assert.equal(await target.purgeDeadLetters("orders"), 1);
            await target.send("plain", [{ body: "{}", attributes: {} }]);
            assert.equal(engine.receive("plain", 10).length, 1);
        } finally {
            db.close();
            await target.close();
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

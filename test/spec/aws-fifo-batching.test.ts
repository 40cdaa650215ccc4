import { strict as assert } from "node:assert";
import { checkSpec, formatIssue } from "../../components/spec";

const fifoSpec = (batchWindowSeconds: number) => ({
    name: "billing",
    queues: [{ name: "orders", ordering: "fifo" }],
    workers: [{ name: "charger", queue: "orders", batchWindowSeconds }],
});

describe("spec: batching window on a FIFO queue (aws)", () => {
    it("refuses a batching window on a FIFO queue on aws, with the fix", () => {
        assert.deepEqual(checkSpec(fifoSpec(5), "aws").issues.map(formatIssue), [
            "workers[0].batchWindowSeconds: must be 0 for a FIFO queue on aws (Lambda takes no batching window from FIFO queues) (got 5). Set batchWindowSeconds to 0, or consume an ordering: none queue.",
        ]);
    });

    it("accepts 0 on aws, and any window on other clouds and for vm workers", () => {
        assert.deepEqual(checkSpec(fifoSpec(0), "aws").issues, []);
        assert.deepEqual(checkSpec(fifoSpec(5), "local").issues, []);
        const vm = { ...fifoSpec(5), workers: [{ name: "charger", queue: "orders", kind: "vm", batchWindowSeconds: 5 }] };
        assert.deepEqual(checkSpec(vm, "aws").issues, []);
    });
});

import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as path from "node:path";

describe("azure: VM receiver process drains on SIGTERM (runService, ServiceBus fake in the process)", function () {
    this.timeout(20_000);

    it("finishes the running messages, completes them, receives no more and exits 0", async () => {
        const child = spawn(process.execPath, ["--require", "tsx/cjs", path.join(__dirname, "fixtures", "receiver-process.ts")], { stdio: ["ignore", "pipe", "pipe"] });
        const lines: Record<string, unknown>[] = [];
        let buffer = "";
        child.stdout.on("data", (chunk: Buffer) => {
            buffer += chunk.toString("utf8");
            for (let at = buffer.indexOf("\n"); at >= 0; at = buffer.indexOf("\n")) {
                const line = buffer.slice(0, at);
                buffer = buffer.slice(at + 1);
                if (line.startsWith("{")) lines.push(JSON.parse(line));
            }
        });
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        // Three messages start (concurrency 3, 400 ms each): stop while they run.
        try {
            const deadline = Date.now() + 10_000;
            while (!lines.some((l) => l.msg === "receiving")) {
                if (Date.now() > deadline || child.exitCode !== null) throw new Error("the receiver process did not start");
                await new Promise((r) => setTimeout(r, 20));
            }
            await new Promise((r) => setTimeout(r, 150));
            child.kill("SIGTERM");
        } catch (error) {
            child.kill("SIGKILL");
            throw error;
        }
        assert.equal(await exited, 0);
        const stopping = lines.find((l) => l.msg === "stopping: draining running messages");
        const stopped = lines.find((l) => l.msg === "receiver stopped");
        assert.equal(stopping?.inFlight, 3);
        assert.deepEqual({ ...stopped, level: undefined, time: undefined, pid: undefined, service: undefined, msg: undefined, lockRenewals: undefined }, {
            level: undefined, time: undefined, pid: undefined, service: undefined, msg: undefined, lockRenewals: undefined,
            received: 3, completed: 3, abandoned: 0, deadLettered: 0, returnedOnStop: 0,
        });
        const left = lines.find((l) => "left" in l)?.left as { id: string; locked: boolean }[];
        assert.deepEqual(left, ["m-3", "m-4", "m-5"].map((id) => ({ id, locked: false })));
    });
});

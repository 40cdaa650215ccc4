import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DataDirError, lockDataDir } from "../../local/data-dir";
import { procStat } from "../../local/proc-stat";

describe("local data directory lock", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "queuestack-lock-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const lockFile = () => path.join(dir, "runner.pid");

    it("writes this process's pid and start time, and removes the file on release", () => {
        const lock = lockDataDir(dir);
        assert.equal(readFileSync(lockFile(), "utf8"), `${process.pid} ${procStat("self")!.startTicks}\n`);
        assert.equal(lock.tookOverFrom, undefined);
        lock.release();
        assert.equal(existsSync(lockFile()), false);
    });

    it("refuses a directory a live runner holds, naming its pid", async () => {
        const holder = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
        try {
            await new Promise((resolve) => holder.once("spawn", resolve));
            writeFileSync(lockFile(), `${holder.pid} ${procStat(holder.pid!)!.startTicks}\n`);
            assert.throws(() => lockDataDir(dir), new DataDirError(`${dir} is in use by another queuestack local runner (pid ${holder.pid}). Stop it, or pass another --data-dir.`));
            assert.equal(readFileSync(lockFile(), "utf8").split(" ")[0], String(holder.pid), "the holder's lock is left alone");
        } finally {
            holder.kill("SIGKILL");
        }
    });

    it("takes over the lock of a pid that is gone, and of a pid reused by another process, saying whose it was", async () => {
        const dead = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
        await new Promise((resolve) => dead.once("exit", resolve));
        writeFileSync(lockFile(), `${dead.pid}\n`);
        const first = lockDataDir(dir);
        assert.equal(first.tookOverFrom, dead.pid);
        first.release();

        // The parent process is alive, but started at another time than the lock says: its pid was reused.
        writeFileSync(lockFile(), `${process.ppid} 1\n`);
        const second = lockDataDir(dir);
        assert.equal(second.tookOverFrom, process.ppid);
        assert.equal(readFileSync(lockFile(), "utf8").split(" ")[0], String(process.pid));
        second.release();
    });
});

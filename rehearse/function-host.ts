import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** What a function host runs: the planned code, entry point, environment and timeout. */
export interface FunctionSpec {
    /** The function's planned name (for messages). */
    name: string;
    /** The planned bundle's files by archive path (e.g. "index.js"). */
    files: Record<string, string>;
    /** `<module>.<export>`, e.g. Lambda's planned `handler` "index.handler". */
    handler: string;
    /**
     * The process environment, complete: the planned variables plus what the platform itself sets
     * (region, credentials). Nothing of the rehearsal's own environment leaks in.
     */
    env: Record<string, string>;
    /** The planned timeout: an invocation running longer fails. */
    timeoutSeconds: number;
}

/** One invocation's outcome: the handler's return value, or its error. */
export type Invocation = { ok: true; result: unknown } | { ok: false; error: string };

/** A function's bundle running in its own Node.js process, invoked like the platform does. */
export interface FunctionHost {
    invoke(event: unknown): Promise<Invocation>;
    /** The last lines the function wrote (its logs). */
    logs(): string;
    stop(): Promise<void>;
}

/**
 * The platform's side of the process: loads `<module>` from the task root once and calls its export
 * with each event and a context whose remaining time counts down from the planned timeout.
 */
const bootstrap = `"use strict";
const path = require("node:path");
const [file, name] = [process.env._HANDLER.slice(0, process.env._HANDLER.lastIndexOf(".")), process.env._HANDLER.slice(process.env._HANDLER.lastIndexOf(".") + 1)];
process.on("message", async ({ id, event, deadline }) => {
    try {
        const fn = require(path.join(process.env.LAMBDA_TASK_ROOT, file))[name];
        if (typeof fn !== "function") throw new Error("the module " + file + " exports no function " + name + " (planned handler " + process.env._HANDLER + ")");
        const context = { awsRequestId: id, functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, getRemainingTimeInMillis: () => deadline - Date.now() };
        process.send({ id, ok: true, result: await fn(event, context) });
    } catch (error) {
        process.send({ id, ok: false, error: String((error && error.stack) || error) });
    }
});
`;

/** Starts a host for `spec`: writes the bundle to a temporary task root and forks Node.js on it. */
export function startFunction(spec: FunctionSpec): FunctionHost {
    const root = mkdtempSync(path.join(tmpdir(), "queuestack-function-"));
    for (const [file, text] of Object.entries(spec.files)) {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), text);
    }
    writeFileSync(path.join(root, "__bootstrap.cjs"), bootstrap);
    let output = "";
    const capture = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-8_000));
    const env = { PATH: process.env.PATH ?? "", ...spec.env, _HANDLER: spec.handler, LAMBDA_TASK_ROOT: root };
    const child: ChildProcess = fork(path.join(root, "__bootstrap.cjs"), [], { cwd: root, env, execArgv: [], stdio: ["ignore", "pipe", "pipe", "ipc"] });
    child.stdout?.on("data", capture);
    child.stderr?.on("data", capture);
    const pending = new Map<string, (outcome: Invocation) => void>();
    child.on("message", (message: { id: string } & Invocation) => pending.get(message.id)?.(message));
    child.on("exit", (code) => {
        for (const settle of pending.values()) settle({ ok: false, error: `the ${spec.name} process exited (code ${code}): ${logs()}` });
    });
    const logs = () => output.trim().split("\n").slice(-10).join("\n");
    return {
        logs,
        invoke: (event) =>
            new Promise<Invocation>((resolve) => {
                const id = randomUUID();
                const timer = setTimeout(() => settle({ ok: false, error: `${spec.name} timed out after its planned ${spec.timeoutSeconds} s` }), spec.timeoutSeconds * 1000);
                const settle = (outcome: Invocation) => {
                    clearTimeout(timer);
                    pending.delete(id);
                    resolve(outcome);
                };
                pending.set(id, settle);
                child.send({ id, event, deadline: Date.now() + spec.timeoutSeconds * 1000 });
            }),
        stop: async () => {
            if (child.exitCode === null && child.signalCode === null) {
                const exited = new Promise((resolve) => child.once("exit", resolve));
                child.kill("SIGTERM");
                await exited;
            }
            rmSync(root, { recursive: true, force: true });
        },
    };
}

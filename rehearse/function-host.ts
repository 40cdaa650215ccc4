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
    /** `<module>.<export>`, e.g. Lambda's planned `handler` "index.handler", or Cloud Functions' package main and entry point. */
    handler: string;
    /**
     * How the platform calls the export: Lambda's `(event, context)` returning the result, or the
     * Functions Framework's `(req, res)` (Cloud Functions gen2) with an {@link HttpCall} as the event,
     * answered `{ statusCode, body }` from what the handler wrote to `res`.
     * @default "lambda"
     */
    style?: "lambda" | "functions-framework";
    /**
     * The process environment, complete: the planned variables plus what the platform itself sets
     * (region, credentials). Nothing of the rehearsal's own environment leaks in.
     */
    env: Record<string, string>;
    /** The planned timeout: an invocation running longer fails. */
    timeoutSeconds: number;
}

/** An HTTP request as the Functions Framework hands it to a function (body as sent, JSON parsed for JSON types). */
export interface HttpCall {
    method: string;
    /** Path and query. */
    path: string;
    headers: Record<string, string>;
    body?: string;
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
 * with each event, Lambda-style (a context whose remaining time counts down from the planned
 * timeout) or Functions Framework-style (an Express-like request and response).
 */
const bootstrap = `"use strict";
const path = require("node:path");
const [root, handler, style] = process.argv.slice(2);
const file = handler.slice(0, handler.lastIndexOf(".")), name = handler.slice(handler.lastIndexOf(".") + 1);
function httpCall(call) {
    const url = new URL(call.path, "http://function.invalid");
    const headers = Object.fromEntries(Object.entries(call.headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
    const rawBody = Buffer.from(call.body || "", "utf8");
    let body = {};
    if (String(headers["content-type"] || "").includes("json") && rawBody.length) try { body = JSON.parse(rawBody.toString("utf8")); } catch { body = rawBody.toString("utf8"); }
    const req = { method: call.method, path: url.pathname, url: url.pathname + url.search, originalUrl: url.pathname + url.search, headers, query: Object.fromEntries(url.searchParams), rawBody, body, get: (h) => headers[String(h).toLowerCase()], header: (h) => headers[String(h).toLowerCase()] };
    const answer = { statusCode: 200, headers: {}, body: "" };
    const res = {
        status(code) { answer.statusCode = code; return res; },
        set(k, v) { answer.headers[String(k).toLowerCase()] = v; return res; },
        setHeader(k, v) { return res.set(k, v); },
        json(value) { answer.body = JSON.stringify(value); answer.headers["content-type"] = "application/json"; return res; },
        send(value) { answer.body = typeof value === "string" ? value : JSON.stringify(value); return res; },
        end(value) { if (value !== undefined) answer.body = String(value); return res; },
        sendStatus(code) { answer.statusCode = code; return res; },
    };
    return { req, res, answer };
}
process.on("message", async ({ id, event, deadline }) => {
    try {
        const fn = require(path.join(root, file))[name];
        if (typeof fn !== "function") throw new Error("the module " + file + " exports no function " + name + " (planned entry " + handler + ")");
        if (style === "functions-framework") {
            const { req, res, answer } = httpCall(event);
            await fn(req, res);
            process.send({ id, ok: true, result: answer });
        } else {
            const context = { awsRequestId: id, functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, getRemainingTimeInMillis: () => deadline - Date.now() };
            process.send({ id, ok: true, result: await fn(event, context) });
        }
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
    const lambda = (spec.style ?? "lambda") === "lambda";
    // Lambda tells the runtime its handler and task root in the environment; Cloud Functions does not.
    const env = { PATH: process.env.PATH ?? "", ...spec.env, ...(lambda ? { _HANDLER: spec.handler, LAMBDA_TASK_ROOT: root } : {}) };
    const child: ChildProcess = fork(path.join(root, "__bootstrap.cjs"), [root, spec.handler, spec.style ?? "lambda"], { cwd: root, env, execArgv: [], stdio: ["ignore", "pipe", "pipe", "ipc"] });
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

/**
 * The last error in a process's logs (pino JSON lines: its `err.message` with the line's `msg`), or
 * its last line when none is an error; "" when `errorsOnly` and no line is an error.
 */
export function lastError(logs: string, errorsOnly = false): string {
    for (const line of logs.split("\n").reverse()) {
        try {
            const entry = JSON.parse(line) as { msg?: string; err?: { type?: string; message?: string } };
            if (entry.err?.message) return `${entry.msg ?? ""}: ${entry.err.type ?? ""} ${entry.err.message}`.trim();
        } catch {
            // not a JSON line
        }
    }
    return errorsOnly ? "" : (logs.split("\n").pop() ?? "");
}

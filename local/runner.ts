import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { StackConfigError, loadStackConfig } from "../components/stack-config";
import { checkSpec, clouds, largeMessageExpireDays, SpecError, validateSpec, type Cloud, type Spec } from "../components/spec";
import { createLogger, createProcessor, type Logger } from "../workers/runtime";
import { FileBlobStore } from "./blobs/file-blob-store";
import { apiKeyFor, lockDataDir } from "./data-dir";
import { SqliteWorkerStore } from "./datastore";
import { groupCommit, openDatabase } from "./engine/database";
import { Promoter } from "./engine/promoter";
import { QueueEngine } from "./engine/queue-engine";
import { createLocalFrontEnd } from "./front-end/server";
import { seenWork, type GuardedWorker } from "./front-end/seen-work";
import { AlarmLog, evaluateAlarms } from "./observability/alarms";
import type { QueueStats } from "./engine/types";
import { WorkerMetrics } from "./observability/metrics";
import { localLevels, localQueues, localRuntimeSettings } from "./stack-settings";
import { localTracingRequested, startLocalTracing } from "./tracing/local-tracing";
import { WorkerPool } from "./worker-pool";
import { loadWorkerModules } from "./worker-modules";
import { messagingSystems } from "../workers/runtime/tracing";
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";

/** How the local stack runs. */
export interface LocalRunnerOptions {
    /** The stack whose Pulumi.<stack>.yaml is read. @default "dev" */
    stack?: string;
    /** The project root: where the stack file is, and what `workers[].code` is relative to. @default process.cwd() */
    dir?: string;
    /** Where the SQLite file, the API key and the lock live. @default <dir>/.queuestack/<stack> */
    dataDir?: string;
    /** Front-end port on 127.0.0.1; 0 picks a free one. @default 8080 */
    port?: number;
    /** @default a JSON-lines logger on stdout */
    logger?: Logger;
    /** First retry delay; doubles per attempt, capped at the visibility timeout. @default 1 */
    retryBaseSeconds?: number;
    /** How often an idle worker pool looks for due messages. @default 250 */
    pollIntervalMs?: number;
    /** How often the spec's alarms are evaluated. @default 5 */
    alarmIntervalSeconds?: number;
    /** On stop, how long running messages may finish before they are returned to the queue. @default 5 */
    drainSeconds?: number;
    /** Time between priority promotion passes. @default a tenth of each queue's promoteAfterSeconds, 50 ms to 1 s */
    promoteEveryMs?: number;
    /**
     * Record traces: every span kept in the stack's SQLite file for the dashboard's job timeline, and
     * exported over OTLP when the OTEL_* variables name an endpoint. Opt-in, as it costs throughput
     * (bench/tracing). `OTEL_SDK_DISABLED=true` turns it off whatever this says.
     * @default on when QUEUESTACK_TRACING=on or the OTEL_* variables ask for OTLP export; else off
     */
    tracing?: boolean;
    /** More span processors besides the stack's own trace store (e.g. a test's in-memory exporter); only with tracing on. @default none */
    spanProcessors?: SpanProcessor[];
}

/** A running local stack. */
export interface LocalStack {
    spec: Spec;
    /** The front end, e.g. http://127.0.0.1:8080. */
    url: string;
    /** The dashboard, with the API key in the fragment (never sent to the server). */
    dashboardUrl: string;
    /** The x-api-key value; undefined when the spec's auth is "none". */
    apiKey?: string;
    dataDir: string;
    engine: QueueEngine;
    store: SqliteWorkerStore;
    /** Claim-checked bodies under `<dataDir>/blobs`; undefined when spec largeMessages is off. */
    blobStore?: FileBlobStore;
    /** Stops receiving, drains or returns running work, closes the front end and the database. */
    stop(): Promise<void>;
}

/** Error for people: the front end's port is taken. */
export class PortInUseError extends Error {
    override readonly name = "PortInUseError";
}

/** Reads and validates the stack's spec for the local target. Throws SpecError listing every problem. */
export function loadLocalSpec(stack: string, dir: string): Spec {
    const config = loadStackConfig(stack, dir);
    const raw = config["queuestack:spec"];
    if (raw === undefined) {
        throw new StackConfigError(`Pulumi.${stack}.yaml has no queuestack:spec. Add the spec under config (see Pulumi.dev.yaml).`);
    }
    // The stack's own target is checked as plan and `pulumi up` check it, so a typo fails here too.
    const cloud = String(config["queuestack:cloud"] ?? "aws");
    if (!(clouds as readonly string[]).includes(cloud)) throw new SpecError(checkSpec(raw, cloud as Cloud).issues);
    return validateSpec(raw, "local");
}

/**
 * Runs the whole stack in this process: the durable SQLite queue engine and datastore, a worker
 * pool per spec worker running its real module through the runtime, the front end and dashboard on
 * 127.0.0.1, and the spec's alarms. Messages and claims left by a killed run are taken back at once.
 */
export async function startLocalStack(options: LocalRunnerOptions = {}): Promise<LocalStack> {
    const stack = options.stack ?? "dev";
    const dir = path.resolve(options.dir ?? process.cwd());
    const logger = options.logger ?? createLogger({ name: "queuestack-local" });
    const spec = loadLocalSpec(stack, dir);
    const dataDir = path.resolve(options.dataDir ?? path.join(dir, ".queuestack", stack));
    const lock = lockDataDir(dataDir);
    if (lock.tookOverFrom !== undefined) {
        logger.warn({ dataDir, stalePid: lock.tookOverFrom }, `took over ${dataDir}: its lock was left by pid ${lock.tookOverFrom}, which is no longer running (a run that was killed); its unfinished work is taken back`);
    }
    const db = openDatabase(path.join(dataDir, "queuestack.db"));
    const closers: (() => void | Promise<unknown>)[] = [
        () => {
            groupCommit(db).flush();
            db.close();
        },
        lock.release,
    ];
    try {
        const engine = new QueueEngine(db, localQueues(spec));
        const store = new SqliteWorkerStore(db, engine.owner);
        const traces = (options.tracing ?? localTracingRequested(process.env))
            ? startLocalTracing({ db, group: engine.group, serviceName: spec.name, retentionSeconds: spec.datastore.ttlDays * 86_400, ...(options.spanProcessors ? { processors: options.spanProcessors } : {}) })
            : undefined;
        closers.unshift(() => traces?.tracing?.shutdown());
        const recovered = engine.recoverAbandoned();
        const claims = store.releaseAbandonedClaims();
        if (recovered + claims > 0) logger.info({ messages: recovered, claims }, "took back the work of a run that stopped without returning it");

        const blobStore = spec.largeMessages.enabled ? new FileBlobStore(path.join(dataDir, "blobs")) : undefined;
        const promoters = spec.queues.flatMap((queue) => {
            const { levels, promoteAfterSeconds } = localLevels(queue);
            if (promoteAfterSeconds === undefined) return [];
            const everyMs = options.promoteEveryMs;
            return [new Promoter({ engine, levels: levels.map((l) => l.queue), promoteAfterSeconds, logger: logger.child({ queue: queue.name }), ...(everyMs ? { everyMs } : {}) })];
        });
        const metrics = new WorkerMetrics(spec.workers.map((w) => w.name));
        for (const workerSpec of spec.workers) for (const [name, value] of Object.entries(workerSpec.environment)) process.env[name] ??= value;
        const definitions = loadWorkerModules(spec, dir);
        const pools: WorkerPool[] = [];
        const guarded: GuardedWorker[] = [];
        for (const [index, workerSpec] of spec.workers.entries()) {
            const worker = definitions[index]!;
            const settings = localRuntimeSettings(spec, workerSpec);
            const workerLogger = logger.child({ worker: workerSpec.name });
            guarded.push({ queue: workerSpec.queue, worker, settings });
            pools.push(
                new WorkerPool({
                    name: workerSpec.name,
                    queue: workerSpec.queue,
                    levels: localLevels(spec.queues.find((q) => q.name === workerSpec.queue)!).levels,
                    engine,
                    processor: createProcessor({ worker, settings, store, logger: workerLogger, scope: workerSpec.queue, messagingSystem: messagingSystems.local, ...(blobStore ? { blobStore } : {}) }),
                    concurrency: workerSpec.concurrency,
                    logger: workerLogger,
                    jobs: store,
                    resultTtlSeconds: settings.resultTtlSeconds,
                    retryBaseSeconds: options.retryBaseSeconds ?? 1,
                    pollIntervalMs: options.pollIntervalMs ?? 250,
                    onSettled: (settled) => metrics.record(settled),
                }),
            );
        }

        const alarmLog = new AlarmLog(logger);
        const queueStats = () => engine.queueNames.map((q) => engine.stats(q));
        const alarmsOf = (queues: QueueStats[]) => evaluateAlarms(spec.alarms, spec.workers, { queues, workerErrors: Object.fromEntries(spec.workers.map((w) => [w.name, metrics.recentErrors(w.name)])) });
        // The timer logs transitions; a snapshot evaluates the alarms on its own queue reading, so
        // the dashboard's alarm text and its cards always show the same numbers.
        const evaluate = () => void alarmLog.update(alarmsOf(queueStats()));
        const snapshot = () => {
            const queues = queueStats();
            return {
                queues,
                inFlightByWorker: Object.fromEntries(pools.map((p, i) => [spec.workers[i].name, p.inFlight])),
                outcomes: metrics.outcomes(),
                latencies: metrics.latencies(),
                alarms: alarmsOf(queues),
            };
        };

        const apiKey = spec.frontEnd.auth === "apiKey" ? apiKeyFor(dataDir) : undefined;
        const seen = seenWork(guarded, (key) => store.completedBy(key));
        const app = createLocalFrontEnd({ spec, engine, jobs: store, seenWork: seen, ...(blobStore ? { blobStore } : {}), ...(apiKey ? { apiKey } : {}), logger, snapshot, ...(traces?.tracing ? { spans: traces.store } : {}) });
        const wantedPort = options.port ?? 8080;
        try {
            await app.listen({ host: "127.0.0.1", port: wantedPort });
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
            throw new PortInUseError(`127.0.0.1:${wantedPort} is in use by another program. Pass --port <number>, or --port 0 to pick a free one.`);
        }
        closers.unshift(() => app.close());
        const { port } = app.server.address() as AddressInfo;
        const url = `http://127.0.0.1:${port}`;

        for (const pool of pools) pool.start();
        for (const promoter of promoters) promoter.start();
        evaluate();
        const alarmTimer = setInterval(evaluate, (options.alarmIntervalSeconds ?? 5) * 1000);
        const sweepTimer = setInterval(() => {
            engine.sweep();
            store.sweep();
            traces?.store.sweep();
            blobStore?.purgeExpired(largeMessageExpireDays(spec));
        }, 60_000);

        let stopping: Promise<void> | undefined;
        const stop = () =>
            (stopping ??= (async () => {
                clearInterval(alarmTimer);
                clearInterval(sweepTimer);
                for (const promoter of promoters) promoter.stop();
                const returned = (await Promise.all(pools.map((p) => p.stop(options.drainSeconds ?? 5)))).reduce((a, b) => a + b, 0);
                store.releaseOwnClaims();
                logger.info({ returnedToQueue: returned }, "stopped: unfinished messages are back in the queue");
                for (const close of closers) await close();
            })());
        return { spec, url, dashboardUrl: `${url}/dashboard${apiKey ? `#key=${apiKey}` : ""}`, ...(apiKey ? { apiKey } : {}), dataDir, engine, store, ...(blobStore ? { blobStore } : {}), stop };
    } catch (error) {
        for (const close of closers) await close();
        throw error;
    }
}

import { BatchSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { otlpRequested, startTracing, type Tracing } from "../../workers/runtime/tracing";
import type { GroupCommit, LocalDatabase } from "../engine/database";
import { SqliteSpanStore } from "./span-store";

/** How the local target traces. */
export interface LocalTracingOptions {
    db: LocalDatabase;
    group: GroupCommit;
    /** `service.name` unless OTEL_SERVICE_NAME sets one: the spec's name. */
    serviceName: string;
    /** How long spans are kept (spec datastore.ttlDays). */
    retentionSeconds: number;
    /** More span processors, e.g. a test's in-memory exporter. @default none */
    processors?: SpanProcessor[];
    /** @default process.env */
    env?: NodeJS.ProcessEnv;
}

/** The local target's tracing: spans stored for the dashboard's timeline, and OTLP export when OTEL_* asks. */
export interface LocalTracing {
    store: SqliteSpanStore;
    /** Undefined when OTEL_SDK_DISABLED=true. */
    tracing?: Tracing;
}

/**
 * Whether the environment asks the local target to trace: QUEUESTACK_TRACING=on (`npm start -- --trace`
 * sets it), or OTEL_* variables asking for OTLP export. Tracing is opt-in locally because recording
 * three spans per message costs the engine throughput (bench/tracing).
 */
export function localTracingRequested(env: NodeJS.ProcessEnv): boolean {
    const flag = (env.QUEUESTACK_TRACING ?? "").trim().toLowerCase();
    if (flag === "off" || flag === "false") return false;
    return flag === "on" || flag === "true" || otlpRequested(env);
}

/** How often the SQLite store receives ended spans: soon enough for the dashboard, batched for throughput. */
const storeEveryMs = 200;

/**
 * Starts the local target's tracer provider: every span goes to the stack's SQLite file (the
 * dashboard's job timeline) and, when the OTEL_* variables ask, to an OTLP/HTTP endpoint.
 * OTEL_SDK_DISABLED=true turns both off.
 */
export function startLocalTracing(options: LocalTracingOptions): LocalTracing {
    const store = new SqliteSpanStore(options.db, options.group, options.retentionSeconds);
    const tracing = startTracing({
        serviceName: options.serviceName,
        processors: [new BatchSpanProcessor(store, { scheduledDelayMillis: storeEveryMs, maxQueueSize: 65_536, maxExportBatchSize: 4096 }), ...(options.processors ?? [])],
        ...(options.env ? { env: options.env } : {}),
    });
    return { store, ...(tracing ? { tracing } : {}) };
}

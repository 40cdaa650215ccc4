import { semconv, queuestackAttributes as qs } from "../../workers/runtime/tracing/semconv";
import type { StoredSpan } from "./span-store";

/** One step of a job's life, as the dashboard draws it. */
export interface TimelineStep {
    kind: "accepted" | "waited" | "attempt" | "dead-lettered" | "redriven";
    /** What a person reads, e.g. "attempt 1 failed: Error: boom". */
    label: string;
    startMs: number;
    endMs: number;
    failed: boolean;
}

const spanKinds = { server: 1, client: 2, producer: 3, consumer: 4 } as const;
const operationOf = (span: StoredSpan) => span.attributes[semconv.operationName];

/**
 * A job's timeline from its spans (SqliteSpanStore.spansOf, oldest first): accepted (the front
 * end's request), waited (from the send, redrive or last settlement to the next attempt), each
 * attempt with its outcome and reason, dead-lettered (with the reason), redriven.
 */
export function timelineOf(spans: readonly StoredSpan[]): TimelineStep[] {
    const steps: TimelineStep[] = [];
    let readySince: number | undefined;
    // A request's span can start a fraction of a millisecond "after" its child's on the SDK's anchored clock: it goes first.
    const ordered = [...spans].sort((a, b) => Number(b.kind === spanKinds.server) - Number(a.kind === spanKinds.server) || a.startMs - b.startMs);
    const accepted = ordered.some((span) => span.kind === spanKinds.server);
    for (const span of ordered) {
        const at = { startMs: span.startMs, endMs: span.endMs };
        if (span.kind === spanKinds.server) {
            steps.push({ kind: "accepted", label: `accepted (${span.name} -> ${String(span.attributes[semconv.httpStatusCode] ?? "?")})`, ...at, failed: span.status === 2 });
        } else if (span.kind === spanKinds.producer) {
            const redrive = operationOf(span) === "redrive";
            if (redrive) steps.push({ kind: "redriven", label: `redriven to ${String(span.attributes[semconv.destinationName])}`, ...at, failed: span.status === 2 });
            else if (!accepted && !steps.some((s) => s.kind === "accepted")) steps.push({ kind: "accepted", label: `sent to ${String(span.attributes[semconv.destinationName])}`, ...at, failed: span.status === 2 });
            readySince = span.endMs;
        } else if (span.kind === spanKinds.consumer) {
            if (readySince !== undefined && span.startMs > readySince) {
                steps.push({ kind: "waited", label: `waited ${Math.round(span.startMs - readySince)} ms in the queue`, startMs: readySince, endMs: span.startMs, failed: false });
            }
            const attempt = String(span.attributes[qs.attempt] ?? "?");
            const outcome = String(span.attributes[qs.outcome] ?? "unknown");
            const reason = span.attributes[qs.reason];
            const failed = outcome === "retry" || outcome === "dead-letter";
            steps.push({ kind: "attempt", label: failed ? `attempt ${attempt} failed: ${String(reason)}` : `attempt ${attempt}: ${outcome}`, ...at, failed });
            readySince = undefined;
        } else if (span.kind === spanKinds.client) {
            if (operationOf(span) === "dead_letter") {
                steps.push({ kind: "dead-lettered", label: `dead-lettered: ${String(span.attributes[qs.reason] ?? "")}`, ...at, failed: true });
            }
            readySince = operationOf(span) === "nack" ? span.endMs : undefined;
        }
    }
    return steps;
}

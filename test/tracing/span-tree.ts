import { SpanKind } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";

const shown = ["queuestack.attempt", "queuestack.outcome", "queuestack.outcome.reason", "messaging.operation.type", "messaging.destination.name"];

/**
 * The spans about message `id` (or any of several ids: a queue may name a message differently from its sender) and their ancestors, drawn as indented lines, children in start order:
 * `name KIND key=value... links=[linked span names]`. The messaging.system and message id are
 * checked separately, so one expected tree fits every target.
 */
export function spanTree(spans: readonly ReadableSpan[], id: string | string[]): string[] {
    const ids = new Set(typeof id === "string" ? [id] : id);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const about = (s: ReadableSpan) => ids.has(String(s.attributes["messaging.message.id"])) || s.links.some((l) => ids.has(String(l.attributes?.["messaging.message.id"])));
    // The spans about the message (sends, attempts, settlements, redrives) and their ancestors.
    const keep = new Set<ReadableSpan>();
    for (const span of spans.filter(about)) {
        for (let s: ReadableSpan | undefined = span; s; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined) keep.add(s);
    }
    const ordered = [...keep].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    const lines: string[] = [];
    const draw = (span: ReadableSpan, depth: number) => {
        const attributes = shown.filter((k) => span.attributes[k] !== undefined).map((k) => `${k.replace(/^(messaging|queuestack)\./, "")}=${String(span.attributes[k])}`);
        const links = span.links.map((l) => byId.get(l.context.spanId)?.name ?? "?");
        lines.push(`${"  ".repeat(depth)}${span.name} ${SpanKind[span.kind]} ${attributes.join(" ")}${links.length ? ` links=[${links.join(", ")}]` : ""}`.trimEnd());
        for (const child of ordered.filter((s) => s.parentSpanId === span.spanContext().spanId)) draw(child, depth + 1);
    };
    for (const root of ordered.filter((s) => !s.parentSpanId || !keep.has(byId.get(s.parentSpanId)!))) draw(root, 0);
    return lines;
}

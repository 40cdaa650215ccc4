import type { Spec } from "../../components/spec";
import type { DeadLetterMessage, QueueStatus } from "../../operations/targets/types";

/** "1 dead letter", "3 dead letters". */
export const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** Left-aligned columns, two spaces apart. */
export function table(header: string[], rows: string[][]): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    return [header, ...rows].map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ")).join("\n");
}

/** 42 s, 7 min, 3.5 h, 2.1 d. */
export function age(seconds: number | undefined): string {
    if (seconds === undefined) return "-";
    if (seconds < 120) return `${Math.round(seconds)} s`;
    if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
    if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
    return `${(seconds / 86_400).toFixed(1)} d`;
}

/**
 * The status table: one row per queue, with the spec's alarm thresholds marked (`!` and the
 * threshold) where a value has reached them.
 */
export function statusTable(spec: Spec, rows: { queue: string; status: QueueStatus }[]): string {
    const { deadLetterDepth, oldestMessageAgeSeconds } = spec.alarms;
    const body = rows.map(({ queue, status }) => {
        const old = status.oldestAgeSeconds !== undefined && status.oldestAgeSeconds >= oldestMessageAgeSeconds;
        const dead = status.deadLetters >= deadLetterDepth;
        return [
            queue,
            String(status.visible),
            status.inFlight === undefined ? "-" : String(status.inFlight),
            `${age(status.oldestAgeSeconds)}${old ? `  ! >= ${age(oldestMessageAgeSeconds)}` : ""}`,
            `${status.deadLetters}${dead ? `  ! >= ${deadLetterDepth}` : ""}`,
        ];
    });
    return table(["QUEUE", "WAITING", "IN FLIGHT", "OLDEST", "DEAD LETTERS"], body);
}

const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 3)}...` : text);

/** One line per dead letter: id, attempts, group, sent, reason. */
export function deadLetterTable(messages: DeadLetterMessage[]): string {
    return table(
        ["ID", "ATTEMPTS", "GROUP", "SENT", "REASON"],
        messages.map((m) => [
            m.id,
            m.attempts === undefined ? "-" : String(m.attempts),
            m.groupKey ?? "-",
            m.sentAt ? m.sentAt.toISOString().replace(/\.\d+Z$/, "Z") : "-",
            clip(m.reason ?? "-", 100),
        ]),
    );
}

/** Everything about one dead letter, the body pretty-printed when it is JSON. */
export function deadLetterDetails(message: DeadLetterMessage): string {
    let body = message.body;
    try {
        body = JSON.stringify(JSON.parse(message.body), null, 2);
    } catch {
        // not JSON: shown as sent
    }
    const lines = [
        `id:           ${message.id}`,
        `attempts:     ${message.attempts ?? "-"}`,
        `reason:       ${message.reason ?? "-"}`,
        `group:        ${message.groupKey ?? "-"}`,
        `dedup id:     ${message.deduplicationId ?? "-"}`,
        `sent:         ${message.sentAt?.toISOString() ?? "-"}`,
        `attributes:   ${Object.keys(message.attributes).length ? Object.entries(message.attributes).map(([k, v]) => `${k}=${v}`).join(", ") : "-"}`,
        `body:`,
        body,
    ];
    return lines.join("\n");
}

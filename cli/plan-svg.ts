import type { Cloud, Spec } from "../components/spec";
import { services } from "./plan-diagram";

/**
 * The plan's diagram as a standalone SVG, drawn here rather than by Mermaid: Mermaid needs a
 * browser DOM to lay out (mermaid-cli downloads a headless Chrome), which a plan that runs offline
 * on any machine cannot count on. The graph is the one mermaidDiagram describes, in four columns:
 * front end -> queues (each dead-letter queue below them) -> workers -> datastore and alarms.
 */
export function svgDiagram(spec: Spec, cloud: Cloud): string {
    const s = services[cloud];
    const nodes = new Map<string, Box>();
    const add = (id: string, column: number, lines: string[], shape: Box["shape"] = "box") => {
        const row = [...nodes.values()].filter((n) => n.column === column).length;
        nodes.set(id, { id, column, row, lines, shape });
    };
    add("frontEnd", 0, ["front end", s.frontEnd]);
    for (const q of spec.queues) add(`queue:${q.name}`, 1, [`queue ${q.name}`, `${s.queue}${q.ordering === "fifo" ? " FIFO" : ""}`]);
    for (const q of spec.queues) add(`dlq:${q.name}`, 1, [`${q.name} dead letters`, s.deadLetter], "store");
    for (const w of spec.workers) add(`worker:${w.name}`, 2, [`worker ${w.name}`, w.kind === "vm" ? s.vm : s.function]);
    add("datastore", 3, ["datastore", s.datastore], "store");
    add("alarms", 3, ["alarms", s.alarms, `dead letters >= ${spec.alarms.deadLetterDepth}, oldest >= ${spec.alarms.oldestMessageAgeSeconds} s`], "alarm");

    const edges: Edge[] = [];
    for (const q of spec.queues) {
        edges.push({ from: "frontEnd", to: `queue:${q.name}` });
        edges.push({ from: `queue:${q.name}`, to: `dlq:${q.name}`, label: `after ${q.maxReceiveCount} deliveries`, dashed: true });
        edges.push({ from: `dlq:${q.name}`, to: "alarms", label: "depth", dashed: true });
        edges.push({ from: `queue:${q.name}`, to: "alarms", label: "backlog age", dashed: true });
    }
    for (const w of spec.workers) {
        edges.push({ from: `queue:${w.queue}`, to: `worker:${w.name}` });
        edges.push({ from: `worker:${w.name}`, to: "datastore" });
        edges.push({ from: `worker:${w.name}`, to: "alarms", label: "errors", dashed: true });
    }

    const rows = Math.max(...[...nodes.values()].map((n) => n.row)) + 1;
    const width = margin * 2 + 4 * boxWidth + 3 * columnGap;
    const height = margin * 2 + rows * boxHeight + (rows - 1) * rowGap;
    const parts = [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
        `<title>${escapeXml(`${spec.name} on ${cloud}`)}</title>`,
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#475467"/></marker></defs>',
        `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ];
    for (const edge of edges) parts.push(drawEdge(nodes.get(edge.from)!, nodes.get(edge.to)!, edge));
    for (const box of nodes.values()) parts.push(drawBox(box));
    parts.push("</svg>");
    return `${parts.join("\n")}\n`;
}

interface Box {
    id: string;
    column: number;
    row: number;
    lines: string[];
    /** box: a service; store: a queue or table that keeps data; alarm: the alarms. */
    shape: "box" | "store" | "alarm";
}

interface Edge {
    from: string;
    to: string;
    label?: string;
    /** Dashed: a failure path or a watch, as Mermaid's -.-> in the text diagram. */
    dashed?: boolean;
}

const margin = 20;
const boxWidth = 210;
const boxHeight = 64;
const columnGap = 90;
const rowGap = 28;
const fills: Record<Box["shape"], string> = { box: "#eef1ff", store: "#fff4e5", alarm: "#fdecea" };

const left = (box: Box) => margin + box.column * (boxWidth + columnGap);
const top = (box: Box) => margin + box.row * (boxHeight + rowGap);

function drawBox(box: Box): string {
    const x = left(box);
    const y = top(box);
    const lineHeight = 15;
    const firstLine = y + boxHeight / 2 - ((box.lines.length - 1) * lineHeight) / 2 + 4;
    const text = box.lines.map((line, i) => `<tspan x="${x + boxWidth / 2}" y="${firstLine + i * lineHeight}"${i === 0 ? ' font-weight="600"' : ""}>${escapeXml(line)}</tspan>`).join("");
    return `<g data-node="${escapeXml(box.id)}"><rect x="${x}" y="${y}" width="${boxWidth}" height="${boxHeight}" rx="${box.shape === "box" ? 6 : 16}" fill="${fills[box.shape]}" stroke="#475467"/><text text-anchor="middle">${text}</text></g>`;
}

function drawEdge(from: Box, to: Box, edge: Edge): string {
    // Same column: bottom to top; otherwise the facing sides.
    const [x1, y1, x2, y2] = from.column === to.column
        ? [left(from) + boxWidth / 2, top(from) + boxHeight, left(to) + boxWidth / 2, top(to)]
        : [left(from) + boxWidth, top(from) + boxHeight / 2, left(to), top(to) + boxHeight / 2];
    const line = `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#475467"${edge.dashed ? ' stroke-dasharray="5 4"' : ""} marker-end="url(#arrow)"/>`;
    const label = edge.label ? `<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle" fill="#475467" font-size="10">${escapeXml(edge.label)}</text>` : "";
    return `<g data-edge="${escapeXml(`${edge.from} -> ${edge.to}`)}">${line}${label}</g>`;
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DomUtils, parseDocument } from "htmlparser2";
import { main } from "../../cli/plan";
import { svgDiagram } from "../../cli/plan-svg";
import { validateSpec } from "../../components/spec";
import { loadStackConfig } from "../../components/stack-config";

const { findAll, getAttributeValue, textContent } = DomUtils;
const repoRoot = path.resolve(__dirname, "..", "..");

describe("plan: the diagram as SVG", function () {
    this.timeout(120_000);
    const spec = validateSpec(
        {
            name: "portfolio",
            queues: [{ name: "scrape", maxReceiveCount: 4 }, { name: "ordered", ordering: "fifo" }],
            workers: [
                { name: "scraper", queue: "scrape" },
                { name: "sequencer", queue: "ordered", kind: "vm" },
            ],
        },
        "aws",
    );

    it("draws a box per role and an arrow per edge of the Mermaid diagram, as well-formed, escaped SVG", () => {
        const svg = svgDiagram(spec, "aws");
        const document = parseDocument(svg, { xmlMode: true });
        const root = findAll((e) => e.name === "svg", document.children)[0]!;
        assert.equal(getAttributeValue(root, "xmlns"), "http://www.w3.org/2000/svg");
        const nodes = findAll((e) => e.attribs["data-node"] !== undefined, document.children);
        assert.deepEqual(nodes.map((n) => n.attribs["data-node"]), ["frontEnd", "queue:scrape", "queue:ordered", "dlq:scrape", "dlq:ordered", "worker:scraper", "worker:sequencer", "datastore", "alarms"]);
        assert.deepEqual(nodes.map((n) => findAll((e) => e.name === "tspan", [n]).map((t) => textContent(t))), [
            ["front end", "API Gateway HTTP API"],
            ["queue scrape", "SQS"],
            ["queue ordered", "SQS FIFO"],
            ["scrape dead letters", "SQS DLQ"],
            ["ordered dead letters", "SQS DLQ"],
            ["worker scraper", "Lambda"],
            ["worker sequencer", "EC2 Auto Scaling"],
            ["datastore", "DynamoDB"],
            ["alarms", "CloudWatch alarms -> SNS", "dead letters >= 1, oldest >= 600 s"],
        ]);
        const edges = findAll((e) => e.attribs["data-edge"] !== undefined, document.children).map((e) => e.attribs["data-edge"]);
        assert.equal(edges.length, 2 * 4 + 2 * 3, "four per queue, three per worker, as in the Mermaid text");
        assert.ok(edges.includes("queue:ordered -> worker:sequencer"));
        assert.match(svg, /after 4 deliveries/);
        assert.match(svg, /CloudWatch alarms -&gt; SNS/, "text is XML-escaped");
    });

    it("writes it with `plan --stack dev --svg <file>`, for the stack file's spec", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "queuestack-svg-"));
        const file = path.join(dir, "dev.svg");
        const cwd = process.cwd();
        const log = console.log;
        const printed: string[] = [];
        try {
            process.chdir(repoRoot);
            console.log = (...args: unknown[]) => void printed.push(args.join(" "));
            assert.equal(await main(["--stack", "dev", "--svg", file]), 0);
        } finally {
            console.log = log;
            process.chdir(cwd);
        }
        try {
            const config = loadStackConfig("dev", repoRoot);
            assert.equal(readFileSync(file, "utf8"), svgDiagram(validateSpec(config["queuestack:spec"], "aws"), "aws"));
            assert.ok(printed.includes(`\nDiagram (SVG): ${file}`));
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { SpecError, validateSpec, type Cloud } from "../components/spec";
import { runStackOffline } from "./offline-stack";
import { mermaidDiagram } from "./plan-diagram";
import { svgDiagram } from "./plan-svg";
import { planPolicyReport } from "./plan-policy";
import { countByType, planTree } from "./plan-format";
import { StackConfigError } from "../components/stack-config";
import { exitWhenFlushed } from "./exit";

const usage = "usage: queuestack plan --stack <name> [--format text|json] [--svg <file>]";

/** `npm run plan -- --stack dev`: everything `pulumi up` would create, offline. */
export async function main(argv: string[]): Promise<number> {
    let values: { stack?: string; format?: string; svg?: string; help?: boolean };
    try {
        ({ values } = parseArgs({ args: argv, options: { stack: { type: "string", short: "s" }, format: { type: "string", default: "text" }, svg: { type: "string" }, help: { type: "boolean", short: "h" } } }));
    } catch (error) {
        console.error(`plan: ${(error as Error).message}\n${usage}`);
        return 2;
    }
    if (values.help) {
        console.log(usage);
        return 0;
    }
    if (!values.stack || !["text", "json"].includes(values.format ?? "")) {
        console.error(`plan: ${values.stack ? `--format must be text or json (got ${values.format})` : "--stack is required"}\n${usage}`);
        return 2;
    }
    try {
        const { resources, config } = await runStackOffline(values.stack);
        const cloud = String(config["queuestack:cloud"] ?? "aws") as Cloud;
        const spec = validateSpec(config["queuestack:spec"], cloud);
        const diagram = mermaidDiagram(spec, cloud);
        // The same diagram as a picture, for people who want one (--svg <file>).
        if (values.svg) writeFileSync(values.svg, svgDiagram(spec, cloud));
        const policy = await planPolicyReport(values.stack, resources);
        if (values.format === "json") {
            const policies = policy && { failed: policy.check.failed, violations: policy.check.violations };
            console.log(JSON.stringify({ stack: values.stack, cloud, resources, diagram, ...(policies ? { policies } : {}) }, null, 2));
            return 0;
        }
        const custom = resources.filter((r) => r.custom);
        console.log(`Plan for stack "${values.stack}" (cloud ${String(config["queuestack:cloud"] ?? "aws")}): ${custom.length} resources in ${resources.length - custom.length} components\n`);
        console.log(planTree(resources));
        console.log(`\nResources by type:`);
        for (const [type, count] of countByType(custom)) console.log(`  ${String(count).padStart(3)}  ${type}`);
        console.log(`\nDiagram (Mermaid):\n\n\`\`\`mermaid\n${diagram}\n\`\`\``);
        if (values.svg) console.log(`\nDiagram (SVG): ${values.svg}`);
        if (policy) console.log(`\n${policy.text}`);
        return 0;
    } catch (error) {
        // Spec and stack-file errors are written for people already; anything else gets its stack.
        const known = error instanceof SpecError || error instanceof StackConfigError;
        console.error(known ? (error as Error).message : `plan failed: ${(error as Error)?.stack ?? String(error)}`);
        // An unknown stack name is a bad flag.
        return error instanceof StackConfigError ? 2 : 1;
    }
}

if (require.main === module) main(process.argv.slice(2)).then(exitWhenFlushed);

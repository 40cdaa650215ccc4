import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { SpecError, validateSpec, type Cloud } from "../components/spec";
import { runStackOffline } from "./offline-stack";
import { mermaidDiagram } from "./plan-diagram";
import { svgDiagram } from "./plan-svg";
import { planPolicyReport } from "./plan-policy";
import { countByType, planTree } from "./plan-format";
import { StackConfigError } from "../components/stack-config";
import { InvokeAnswersError, readInvokeAnswers, UnansweredInvokeError } from "../components/testing/invokes";
import { exitWhenFlushed } from "./exit";

const usage = "usage: queuestack plan --stack <name> [--dir <project>] [--answers <file>] [--format text|json] [--svg <file>]";

/** Errors written for people: printed as their message alone. */
export const isKnownPlanError = (error: unknown) =>
    error instanceof SpecError || error instanceof StackConfigError || error instanceof UnansweredInvokeError || error instanceof InvokeAnswersError;

/** `queuestack plan --stack dev`: everything `pulumi up` would create, offline. */
export async function main(argv: string[]): Promise<number> {
    let values: { stack?: string; format?: string; dir?: string; answers?: string; svg?: string; help?: boolean };
    try {
        ({ values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string", short: "s" },
                format: { type: "string", default: "text" },
                dir: { type: "string", short: "d", default: process.cwd() },
                answers: { type: "string" },
                svg: { type: "string" },
                help: { type: "boolean", short: "h" },
            },
        }));
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
        const calls = values.answers ? readInvokeAnswers(values.answers) : undefined;
        const planned = await runStackOffline(values.stack, path.resolve(values.dir ?? "."), calls);
        const { resources, config } = planned;
        // A queuestack spec in the stack's config (our program) also draws the diagram.
        const cloud = config["queuestack:spec"] === undefined ? undefined : (String(config["queuestack:cloud"] ?? "aws") as Cloud);
        const diagram = cloud && mermaidDiagram(validateSpec(config["queuestack:spec"], cloud), cloud);
        const policy = await planPolicyReport(planned);
        // The same diagram as a picture, for people who want one (--svg <file>).
        if (values.svg && cloud) writeFileSync(values.svg, svgDiagram(validateSpec(config["queuestack:spec"], cloud), cloud));
        if (values.format === "json") {
            const policies = policy && { failed: policy.check.failed, violations: policy.check.violations };
            console.log(JSON.stringify({ stack: values.stack, project: planned.project, ...(cloud ? { cloud } : {}), resources, ...(diagram ? { diagram } : {}), ...(policies ? { policies } : {}) }, null, 2));
            return 0;
        }
        const custom = resources.filter((r) => r.custom);
        console.log(`Plan for stack "${values.stack}" of project "${planned.project}"${cloud ? ` (cloud ${cloud})` : ""}: ${custom.length} resources in ${resources.length - custom.length} components\n`);
        console.log(planTree(resources));
        console.log(`\nResources by type:`);
        for (const [type, count] of countByType(custom)) console.log(`  ${String(count).padStart(3)}  ${type}`);
        if (diagram) console.log(`\nDiagram (Mermaid):\n\n\`\`\`mermaid\n${diagram}\n\`\`\``);
        if (values.svg && diagram) console.log(`\nDiagram (SVG): ${values.svg}`);
        if (policy) console.log(`\n${policy.text}`);
        return 0;
    } catch (error) {
        // Spec, stack-file and provider-function errors are written for people already; anything else gets its stack.
        console.error(isKnownPlanError(error) ? (error as Error).message : `plan failed: ${(error as Error)?.stack ?? String(error)}`);
        // An unknown stack name or an unreadable answers file is a bad flag.
        return error instanceof StackConfigError || error instanceof InvokeAnswersError ? 2 : 1;
    }
}

if (require.main === module) main(process.argv.slice(2)).then(exitWhenFlushed);

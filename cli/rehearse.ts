import { parseArgs } from "node:util";
import { SpecError } from "../components/spec";
import { EmulatorPool, formatReport, passed, rehearse, type Report } from "../rehearse";
import { planStack } from "../rehearse/plan-stack";
import { StackConfigError } from "../components/stack-config";
import { MissingPackageError } from "../components/optional-package";
import { exitWhenFlushed } from "./exit";

const usage = "usage: queuestack rehearse --stack <name> [--stack <name> ...] [--format text|json]";

/**
 * `queuestack rehearse --stack dev`: the step between `npm run plan` and `pulumi up`. Plans each
 * stack offline, runs it on local emulators with its bundled code (rehearse/), prints a table per
 * stack; exit 1 when any check fails, 2 on bad flags.
 */
export async function main(argv: string[]): Promise<number> {
    let values: { stack?: string[]; format?: string; help?: boolean };
    try {
        ({ values } = parseArgs({ args: argv, options: { stack: { type: "string", short: "s", multiple: true }, format: { type: "string", default: "text" }, help: { type: "boolean", short: "h" } } }));
    } catch (error) {
        console.error(`rehearse: ${(error as Error).message}\n${usage}`);
        return 2;
    }
    if (values.help) {
        console.log(usage);
        return 0;
    }
    if (!values.stack?.length || !["text", "json"].includes(values.format ?? "")) {
        console.error(`rehearse: ${values.stack?.length ? `--format must be text or json (got ${values.format})` : "--stack is required"}\n${usage}`);
        return 2;
    }
    const progress = (line: string) => void process.stderr.write(`  ${line}\n`);
    const emulators = new EmulatorPool(progress);
    const reports: Report[] = [];
    try {
        for (const stack of values.stack) {
            progress(`planning stack "${stack}" offline`);
            const report = await rehearse(await planStack(stack), { emulators, progress });
            reports.push(report);
            if (values.format === "text") console.log(`${formatReport(report)}\n`);
        }
        if (values.format === "json") console.log(JSON.stringify(reports, null, 2));
        return reports.every(passed) ? 0 : 1;
    } catch (error) {
        const known = error instanceof SpecError || error instanceof StackConfigError || error instanceof MissingPackageError;
        console.error(known ? (error as Error).message : `rehearse failed: ${(error as Error)?.stack ?? String(error)}`);
        return error instanceof StackConfigError ? 2 : 1;
    } finally {
        await emulators.stop();
    }
}

if (require.main === module) main(process.argv.slice(2)).then(exitWhenFlushed);

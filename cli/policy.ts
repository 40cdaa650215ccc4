import * as path from "node:path";
import { Command, Option } from "commander";
import { SpecError } from "../components/spec";
import { readProject } from "../components/testing/project";
import { InvokeAnswersError, readInvokeAnswers, UnansweredInvokeError } from "../components/testing/invokes";
import policyPackage from "../policies/package.json";
import { checkStack, formatCheck, PolicyConfigError, readPolicyConfig } from "./policy-check";
import { StackConfigError, stackNames } from "../components/stack-config";
import { exitWhenFlushed } from "./exit";

/**
 * `queuestack policy --stack dev` (or `--all`): runs the Pulumi program of the project in --dir
 * (any TypeScript or JavaScript program, with its own Pulumi.yaml) offline for each stack and
 * evaluates the queuestack policy pack on it. Exit code 1 when any mandatory policy is violated
 * (or a stack cannot be planned), 0 otherwise, so CI can gate on it.
 */
export async function main(argv: string[]): Promise<number> {
    const command = new Command("policy")
        .description("Evaluate the queuestack policy pack on stacks, offline (no Pulumi CLI, engine or credentials).")
        .addOption(new Option("-s, --stack <name>", "stack to check (reads Pulumi.<name>.yaml)").conflicts("all"))
        .option("-a, --all", "check every Pulumi.<stack>.yaml in the directory")
        .option("-d, --dir <path>", "the Pulumi project: Pulumi.yaml, Pulumi.<stack>.yaml and the program it names", process.cwd())
        .option("-c, --policy-config <file>", "policy config JSON, as `pulumi up --policy-pack-config` takes it")
        .option("--answers <file>", 'results of provider functions the program calls, JSON or YAML: {"aws:ec2/getAmi:getAmi": {"id": "ami-0abc"}}')
        .exitOverride()
        .configureOutput({ writeErr: (text) => process.stderr.write(text) });
    try {
        command.parse(argv, { from: "user" });
    } catch (error) {
        return (error as { exitCode?: number }).exitCode === 0 ? 0 : 2;
    }
    const options = command.opts<{ stack?: string; all?: boolean; dir: string; policyConfig?: string; answers?: string }>();
    const dir = path.resolve(options.dir);
    if (!options.stack && !options.all) {
        console.error("policy: pass --stack <name> or --all\n" + command.helpInformation());
        return 2;
    }
    try {
        const config = options.policyConfig ? readPolicyConfig(options.policyConfig) : {};
        const calls = options.answers ? readInvokeAnswers(options.answers) : undefined;
        const stacks = options.all ? stackNames(readProject(dir).stackConfigDir) : [options.stack as string];
        if (stacks.length === 0) {
            console.error(`policy: no Pulumi.<stack>.yaml in ${dir}`);
            return 2;
        }
        let failed = false;
        for (const stack of stacks) {
            try {
                const check = await checkStack(stack, { dir, config, ...(calls ? { calls } : {}) });
                console.log(formatCheck(check, policyPackage.version) + "\n");
                failed ||= check.failed;
            } catch (error) {
                // A stack that cannot be planned fails the run; the other stacks are still checked.
                const prefix = error instanceof StackConfigError ? "" : `stack "${stack}" could not be planned: `;
                console.error(`policy: ${prefix}${describe(error)}\n`);
                failed = true;
            }
        }
        return failed ? 1 : 0;
    } catch (error) {
        console.error(`policy: ${describe(error)}`);
        return 1;
    }
}

/** Errors written for people print as they are; anything else with its stack trace. */
function describe(error: unknown): string {
    const known = error instanceof SpecError || error instanceof StackConfigError || error instanceof PolicyConfigError ||
        error instanceof UnansweredInvokeError || error instanceof InvokeAnswersError;
    return known ? (error as Error).message : ((error as Error)?.stack ?? String(error));
}

if (require.main === module) main(process.argv.slice(2)).then(exitWhenFlushed);

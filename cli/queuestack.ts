import { Command, CommanderError } from "commander";
import { SpecError } from "../components/spec/issues";
import { LocalQueueError } from "../local/engine/types";
import type { LocalCommandOptions } from "../local/main";
import { dlqCommands } from "./commands/dlq";
import { processIo, type CliIo } from "./commands/io";
import { sendCommand } from "./commands/send";
import { statusCommand } from "./commands/status";
import { OperationError, UsageError, usageExitCode } from "../operations/errors";
import { exitWhenFlushed } from "./exit";
import { enableTypeScript } from "../components/testing/typescript";

export { exitWhenFlushed };

/**
 * The `queuestack` program: plan, policy, local, status, dlq list|show|purge|redrive, send. Commander's own error
 * output goes to `errors` (run prints it as one line); help asked for goes to io.out. `argv` (the
 * command line it will parse) decides which heavy commands are loaded up front: only the one it names.
 */
export function queuestackProgram(io: CliIo, errors: string[] = [], argv: readonly string[] = []): Command {
    const output = { writeOut: (text: string) => io.out(text.trimEnd()), writeErr: (text: string) => void errors.push(text) };
    const program = new Command("queuestack")
        .description("Plan and operate queuestack stacks: the offline plan, queue status, dead-letter queues, test messages.");
    program.addCommand(delegated("plan", "everything `pulumi up` would create, offline, as a tree and a Mermaid diagram", (args) => (require("./plan") as typeof import("./plan")).main(args)));
    program.addCommand(delegated("policy", "evaluate the queuestack policy pack offline on any Pulumi TypeScript or JavaScript program's stacks (its Pulumi.yaml, Pulumi.<stack>.yaml and program)", (args) => (require("./policy") as typeof import("./policy")).main(args)));
    program.addCommand(delegated("rehearse", "run the planned stack on local emulators with its bundled code and permissions, before `pulumi up`", (args) => (require("./rehearse") as typeof import("./rehearse")).main(args)));
    program.addCommand(localCommand(io, output, argv[0] === "local"));
    program.addCommand(statusCommand(io));
    program.addCommand(dlqCommands(io));
    program.addCommand(sendCommand(io));
    // Every level: errors become one line and exit code 2 (handled in run), not commander's own exit.
    const quiet = (command: Command) => {
        command.exitOverride().configureOutput(output).showSuggestionAfterError(true);
        command.commands.forEach(quiet);
    };
    quiet(program);
    return program;
}

/* eslint-disable @typescript-eslint/no-require-imports -- commands load their modules on use */

/**
 * A command that parses its own arguments (plan, policy): registered by name and description only,
 * its module (Pulumi, every provider SDK, the policy pack) loaded when it runs, so `--help` and the
 * other commands never pay for it.
 */
function delegated(name: string, description: string, main: (args: string[]) => Promise<number>): Command {
    return new Command(name)
        .description(description)
        .helpOption(false)
        .allowUnknownOption(true)
        .allowExcessArguments(true)
        .action(async (_options, command: Command) => {
            process.exitCode = await main(command.args);
        });
}

/**
 * `queuestack local`: its flags are the local runner's own (withLocalOptions), and loading them
 * loads the runner (SQLite, the front end, the worker pool). So the runner is loaded only when the
 * command line asks for `local`; otherwise a stand-in with the same name and description lists it
 * in the help and hands over to the real command if it is reached another way.
 */
function localCommand(io: CliIo, output: { writeOut(text: string): void; writeErr(text: string): void }, eager: boolean): Command {
    const description = "run the stack on this machine: SQLite queue and datastore, the real workers, the front end and a dashboard on 127.0.0.1";
    const real = () => {
        const local = require("../local/main") as typeof import("../local/main");
        return local.withLocalOptions(new Command("local"))
            .description(description)
            .action(async (options: LocalCommandOptions) => {
                try {
                    await local.runLocal(options, io.out);
                } catch (error) {
                    if (!(error instanceof Error && local.userErrorNames.includes(error.name))) throw error;
                    throw new OperationError(error.message);
                }
            });
    };
    if (eager) return real();
    return new Command("local")
        .description(description)
        .helpOption(false)
        .allowUnknownOption(true)
        .allowExcessArguments(true)
        .action(async (_options, command: Command) => {
            await real().exitOverride().configureOutput(output).parseAsync(command.args, { from: "user" });
        });
}

/* eslint-enable @typescript-eslint/no-require-imports */

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function run(argv: string[], io: CliIo = processIo): Promise<number> {
    process.exitCode = undefined;
    // The user's program and worker code may be TypeScript: compiled on load (a no-op under tsx).
    enableTypeScript();
    const errors: string[] = [];
    try {
        await queuestackProgram(io, errors, argv).parseAsync(argv, { from: "user" });
        return Number(process.exitCode ?? 0);
    } catch (error) {
        if (error instanceof CommanderError) {
            if (error.exitCode === 0) return 0;
            // A command without its subcommand: commander printed the help (to `errors`) instead of a message.
            if (error.code === "commander.help") io.err(errors.join("").trimEnd());
            else io.err(`queuestack: ${oneLine(error.message.replace(/^error: /, ""))}`);
            return usageExitCode;
        }
        if (error instanceof UsageError || error instanceof LocalQueueError) {
            io.err(`queuestack: ${oneLine(error.message)}`);
            return usageExitCode;
        }
        if (error instanceof OperationError) {
            io.err(`queuestack: ${oneLine(error.message)}`);
            return 1;
        }
        if (error instanceof SpecError) {
            io.err(error.message);
            return 1;
        }
        io.err(`queuestack failed: ${(error as Error)?.stack ?? String(error)}`);
        return 1;
    } finally {
        process.exitCode = undefined;
    }
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ").trim();

if (require.main === module) run(process.argv.slice(2)).then(exitWhenFlushed);

import { Command, CommanderError } from "commander";
import { SpecError } from "../components/spec";
import { LocalQueueError } from "../local/engine/types";
import { runLocal, userErrorNames, withLocalOptions, type LocalCommandOptions } from "../local/main";
import { dlqCommands } from "./commands/dlq";
import { processIo, type CliIo } from "./commands/io";
import { sendCommand } from "./commands/send";
import { statusCommand } from "./commands/status";
import { OperationError, UsageError, usageExitCode } from "./ops/errors";
import { exitWhenFlushed } from "./exit";

export { exitWhenFlushed };

/**
 * The `queuestack` program: plan, status, dlq list|show|purge|redrive, send. Commander's own error
 * output goes to `errors` (run prints it as one line); help asked for goes to io.out.
 */
export function queuestackProgram(io: CliIo, errors: string[] = []): Command {
    const output = { writeOut: (text: string) => io.out(text.trimEnd()), writeErr: (text: string) => void errors.push(text) };
    const program = new Command("queuestack")
        .description("Plan and operate queuestack stacks: the offline plan, queue status, dead-letter queues, test messages.");
    program
        .command("plan")
        .description("everything `pulumi up` would create, offline, as a tree and a Mermaid diagram")
        .helpOption(false)
        .allowUnknownOption(true)
        .allowExcessArguments(true)
        .action(async (_options, command: Command) => {
            // Loaded on use: the plan pulls in Pulumi and every provider SDK.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const { main } = require("./plan") as typeof import("./plan");
            process.exitCode = await main(command.args);
        });
    program
        .command("rehearse")
        .description("run the planned stack on local emulators with its bundled code and permissions, before `pulumi up`")
        .helpOption(false)
        .allowUnknownOption(true)
        .allowExcessArguments(true)
        .action(async (_options, command: Command) => {
            // Loaded on use, like plan: the rehearsal plans the stack (Pulumi and the provider SDKs).
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const { main } = require("./rehearse") as typeof import("./rehearse");
            process.exitCode = await main(command.args);
        });
    withLocalOptions(program.command("local"))
        .description("run the stack on this machine: SQLite queue and datastore, the real workers, the front end and a dashboard on 127.0.0.1")
        .action(async (options: LocalCommandOptions) => {
            try {
                await runLocal(options, io.out);
            } catch (error) {
                if (!(error instanceof Error && userErrorNames.includes(error.name))) throw error;
                throw new OperationError(error.message);
            }
        });
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

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function run(argv: string[], io: CliIo = processIo): Promise<number> {
    process.exitCode = undefined;
    const errors: string[] = [];
    try {
        await queuestackProgram(io, errors).parseAsync(argv, { from: "user" });
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

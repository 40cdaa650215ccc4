/**
 * `npm start` / `queuestack local`: runs the stack of Pulumi.<stack>.yaml on this machine.
 * Ctrl-C (SIGINT) or SIGTERM stops it cleanly; unfinished messages go back to the queue.
 */
import { Command, InvalidArgumentError } from "commander";
import { createLogger } from "../workers/runtime";
import { samplePage } from "./front-end/sample-page";
import { logFormat, prettyDestination } from "./log-format";
import { procStat } from "./proc-stat";
import { startLocalStack, type LocalStack } from "./runner";

/** What `queuestack local` takes. */
export interface LocalCommandOptions {
    stack: string;
    port: number;
    dir: string;
    dataDir?: string;
    /** --trace: record spans for the dashboard's job timeline (and OTLP export when OTEL_* asks). */
    trace?: boolean;
}

/** Parses a --port value: 0-65535, 0 picking a free port. */
export function parsePort(value: string): number {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > 65_535) throw new InvalidArgumentError(`"${value}" is not a port number (0-65535; 0 picks a free port).`);
    return n;
}

/** Errors for people, printed as their message alone (others keep their stack). */
export const userErrorNames = ["MissingPackageError", "SpecError", "StackConfigError", "DataDirError", "PortInUseError", "ConfigError", "TypeError"];

/** What the runner prints once the stack is up. */
export function banner(stackName: string, stack: LocalStack): string {
    const key = stack.apiKey ? `-H 'x-api-key: ${stack.apiKey}' ` : "";
    return [
        `queuestack local: stack "${stackName}" (${stack.spec.name}) is up`,
        `  Front end: ${stack.url}`,
        `  Dashboard: ${stack.dashboardUrl}`,
        `  Metrics:   ${stack.url}/metrics`,
        stack.apiKey ? `  API key:   ${stack.apiKey}   (send it as x-api-key)` : "  API key:   none (spec frontEnd.auth is none)",
        `  Data:      ${stack.dataDir}`,
        `  Try:       ${tryCommand(stack, key)}`,
        "  Ctrl-C stops it; unfinished messages go back to the queue.",
    ].join("\n");
}

/** A first message that works offline: the URL of the sample article the local front end serves itself. */
function tryCommand(stack: LocalStack, key: string): string {
    return `curl -X POST ${stack.url}/queues/${stack.spec.queues[0].name}/messages ${key}-d '{"url": "${stack.url}${samplePage.path}"}'`;
}

/**
 * Starts the local stack, prints where it is, and runs until SIGINT or SIGTERM; resolves once it
 * has stopped cleanly. A second signal exits at once (code 130).
 */
export async function runLocal(options: LocalCommandOptions, out: (text: string) => void = (text) => void process.stdout.write(`${text}\n`)): Promise<void> {
    const logger = createLogger({ name: "queuestack-local", ...(logFormat() === "pretty" ? { destination: prettyDestination() } : {}) });
    const stack = await startLocalStack({ stack: options.stack, port: options.port, dir: options.dir, ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(options.trace ? { tracing: true } : {}), logger });
    out(banner(options.stack, stack));
    await new Promise<void>((resolve, reject) => {
        let signals = 0;
        let stopping = false;
        const stop = (why: Record<string, unknown>) => {
            if (stopping) return;
            stopping = true;
            unwatch();
            logger.info(why, "stopping");
            stack.stop().then(resolve, reject);
        };
        const shutdown = (signal: NodeJS.Signals) => {
            if (++signals > 1) process.exit(130);
            stop({ signal });
        };
        process.on("SIGINT", shutdown);
        process.on("SIGTERM", shutdown);
        // Under `npm start` the pid a user sees is npm's, and npm cannot pass on a SIGKILL: the
        // runner stops when npm is gone instead of serving on with the data directory locked.
        const parent = process.ppid;
        const unwatch = startedByNpm() ? watchParent(parent, () => stop({ parentPid: parent, reason: "npm, which started this runner, is gone" })) : () => {};
    });
}

/** Whether an npm script started this process (npm sets npm_lifecycle_event for its scripts). */
export function startedByNpm(env: NodeJS.ProcessEnv = process.env): boolean {
    return env.npm_lifecycle_event !== undefined;
}

/**
 * Calls `onGone` once the process `parentPid` no longer exists (checked every `everyMs`, without
 * keeping the event loop alive). Returns the function that stops watching.
 */
export function watchParent(parentPid: number, onGone: () => void, everyMs = 500): () => void {
    const gone = () => {
        // On Linux the live parent pid: it changes when the parent dies, even while the dead parent is an unreaped zombie.
        const now = procStat("self")?.ppid;
        if (now !== undefined) return now !== parentPid;
        try {
            process.kill(parentPid, 0);
            return false;
        } catch (error) {
            return (error as NodeJS.ErrnoException).code !== "EPERM";
        }
    };
    const timer = setInterval(() => {
        if (!gone()) return;
        clearInterval(timer);
        onGone();
    }, everyMs);
    timer.unref();
    return () => clearInterval(timer);
}

/** The `local` command's options, shared by `npm start` and `queuestack local`. */
export function withLocalOptions(command: Command): Command {
    return command
        .option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml to run", "dev")
        .option("-p, --port <port>", "front-end port on 127.0.0.1 (0 picks a free one)", parsePort, 8080)
        .option("-d, --dir <path>", "project root (stack files and workers[].code)", process.cwd())
        .option("--data-dir <path>", "where the queue, datastore and API key are kept (default <dir>/.queuestack/<stack>)")
        .option("--trace", "record a trace per job: the dashboard's timeline, and OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT is set (also QUEUESTACK_TRACING=on); costs throughput, see bench/tracing");
}

if (require.main === module) {
    const program = withLocalOptions(
        new Command("queuestack local").description("Run the stack locally: SQLite queue and datastore, the real worker code, the front end and a dashboard on 127.0.0.1."),
    ).parse();
    runLocal(program.opts<LocalCommandOptions>()).then(
        () => process.exit(0),
        (error: unknown) => {
            const known = error instanceof Error && userErrorNames.includes(error.name);
            process.stderr.write(`queuestack local: ${known ? (error as Error).message : (error as Error)?.stack ?? String(error)}\n`);
            process.exit(1);
        },
    );
}

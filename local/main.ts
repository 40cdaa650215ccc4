/**
 * `npm start` / `queuestack local`: runs the stack of Pulumi.<stack>.yaml on this machine.
 * Ctrl-C (SIGINT) or SIGTERM stops it cleanly; unfinished messages go back to the queue.
 */
import { Command, InvalidArgumentError } from "commander";
import { createLogger } from "../workers/runtime";
import { startLocalStack } from "./runner";

const port = (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > 65_535) throw new InvalidArgumentError(`"${value}" is not a port number (0-65535; 0 picks a free port).`);
    return n;
};

const program = new Command("queuestack local")
    .description("Run the stack locally: SQLite queue and datastore, the real worker code, the front end and a dashboard on 127.0.0.1.")
    .option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml to run", "dev")
    .option("-p, --port <port>", "front-end port on 127.0.0.1 (0 picks a free one)", port, 8080)
    .option("-d, --dir <path>", "project root (stack files and workers[].code)", process.cwd())
    .option("--data-dir <path>", "where the queue, datastore and API key are kept (default <dir>/.queuestack/<stack>)")
    .parse();

const options = program.opts<{ stack: string; port: number; dir: string; dataDir?: string }>();
const logger = createLogger({ name: "queuestack-local" });

startLocalStack({ stack: options.stack, port: options.port, dir: options.dir, ...(options.dataDir ? { dataDir: options.dataDir } : {}), logger }).then(
    (stack) => {
        const lines = [
            `queuestack local: stack "${options.stack}" (${stack.spec.name}) is up`,
            `  Front end: ${stack.url}`,
            `  Dashboard: ${stack.dashboardUrl}`,
            `  Metrics:   ${stack.url}/metrics`,
            stack.apiKey ? `  API key:   ${stack.apiKey}   (send it as x-api-key)` : "  API key:   none (spec frontEnd.auth is none)",
            `  Data:      ${stack.dataDir}`,
            `  Try:       curl -X POST ${stack.url}/queues/${stack.spec.queues[0].name}/messages ${stack.apiKey ? `-H 'x-api-key: ${stack.apiKey}' ` : ""}-d '{"url": "https://example.com/"}'`,
            "  Ctrl-C stops it; unfinished messages go back to the queue.",
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
        let signals = 0;
        const shutdown = (signal: NodeJS.Signals) => {
            if (++signals > 1) process.exit(130);
            logger.info({ signal }, "stopping");
            stack.stop().then(
                () => process.exit(0),
                (error: unknown) => {
                    logger.error({ err: error }, "stop failed");
                    process.exit(1);
                },
            );
        };
        process.on("SIGINT", shutdown);
        process.on("SIGTERM", shutdown);
    },
    (error: unknown) => {
        const known = error instanceof Error && ["SpecError", "StackConfigError", "DataDirError", "ConfigError", "TypeError"].includes(error.name);
        process.stderr.write(`queuestack local: ${known ? (error as Error).message : (error as Error)?.stack ?? String(error)}\n`);
        process.exit(1);
    },
);

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createServer } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";

/** A moto_server on a free loopback port, with SDK clients pointed at it. */
export interface Moto {
    endpoint: string;
    sqs: SQSClient;
    dynamodb: DynamoDBClient;
    secrets: SecretsManagerClient;
    stop(): Promise<void>;
}

const clientConfig = (endpoint: string) => ({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    maxAttempts: 1,
});

/** True when moto_server is on PATH. */
export function motoAvailable(): boolean {
    return spawnSync("sh", ["-c", "command -v moto_server"], { stdio: "ignore" }).status === 0;
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
        });
    });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${output()}`);
        try {
            if ((await fetch(`${endpoint}/moto-api/`)).ok) return;
        } catch {
            // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`moto_server did not answer on ${endpoint} within 15 s: ${output()}`);
}

/** Starts moto_server on 127.0.0.1 and waits until it answers. Its output goes to a temporary log file. */
export async function startMoto(): Promise<Moto> {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const logDir = mkdtempSync(path.join(tmpdir(), "queuestack-moto-"));
    const logFile = path.join(logDir, "moto.log");
    const log = openSync(logFile, "w");
    const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", log, log] });
    closeSync(log);
    // Never keeps the test process alive; killed when it exits.
    child.unref();
    const kill = () => {
        child.kill("SIGTERM");
        rmSync(logDir, { recursive: true, force: true });
    };
    process.once("exit", kill);
    const output = () => readFileSync(logFile, "utf8").slice(-4000);
    try {
        await waitUntilUp(endpoint, child, output);
    } catch (error) {
        kill();
        throw error;
    }
    const config = clientConfig(endpoint);
    const sqs = new SQSClient(config);
    const dynamodb = new DynamoDBClient(config);
    const secrets = new SecretsManagerClient(config);
    return {
        endpoint,
        sqs,
        dynamodb,
        secrets,
        stop: async () => {
            process.removeListener("exit", kill);
            for (const client of [sqs, dynamodb, secrets]) client.destroy();
            if (child.exitCode !== null) return;
            const exited = new Promise((resolve) => child.once("exit", resolve));
            kill();
            await exited;
        },
    };
}

let shared: Promise<Moto> | undefined;

// Imported at the top of test files, this registers on mocha's root suite: the shared server is
// stopped (and reaped) once every suite has run.
after(async () => {
    const running = await shared?.catch(() => undefined);
    shared = undefined;
    await running?.stop();
});

/**
 * One moto_server for the whole test run (started on first use, stopped after the last suite):
 * suites keep apart by giving their queues and tables distinct names.
 */
export function useMoto(): () => Moto {
    let moto: Moto | undefined;
    before(async function () {
        if (!motoAvailable()) {
            console.warn("    moto_server is not on PATH: skipping (install it with `pip install 'moto[server]'`).");
            this.skip();
        }
        this.timeout(20_000);
        shared ??= startMoto();
        shared.catch(() => (shared = undefined));
        moto = await shared;
    });
    return () => {
        if (!moto) throw new Error("moto is not running");
        return moto;
    };
}

/** The stack's table shape: partition key `pk` (string). */
export async function createTable(moto: Moto, tableName: string): Promise<void> {
    await moto.dynamodb.send(
        new CreateTableCommand({
            TableName: tableName,
            AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
            KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
            BillingMode: "PAY_PER_REQUEST",
        }),
    );
}

/** A queue with a dead-letter queue; returns both URLs. */
export async function createQueueWithDlq(
    moto: Moto,
    name: string,
    options: { maxReceiveCount: number; visibilityTimeoutSeconds: number; fifo?: boolean },
): Promise<{ url: string; dlqUrl: string }> {
    const suffix = options.fifo ? ".fifo" : "";
    const fifo = options.fifo ? { FifoQueue: "true", ContentBasedDeduplication: "true" } : {};
    const dlq = await moto.sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq${suffix}`, Attributes: { ...fifo } }));
    const { Attributes } = await moto.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }));
    const queue = await moto.sqs.send(
        new CreateQueueCommand({
            QueueName: `${name}${suffix}`,
            Attributes: {
                ...fifo,
                VisibilityTimeout: String(options.visibilityTimeoutSeconds),
                RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: options.maxReceiveCount }),
            },
        }),
    );
    return { url: queue.QueueUrl!, dlqUrl: dlq.QueueUrl! };
}

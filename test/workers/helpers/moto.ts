import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startMoto as launchMoto } from "../../../rehearse/emulators/moto";
import { installed } from "../../../rehearse/emulators/process";
import { testEmulators } from "../../helpers/emulators";

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
export const motoAvailable = () => installed("moto_server");

/**
 * Starts a moto_server of its own on 127.0.0.1 (the rehearsal's launcher: authorization off, its own
 * process group, stopped by id) and waits until it answers. Suites use `useMoto()`; this is for
 * benchmarks and for a test that must own the server.
 */
export async function startMoto(): Promise<Moto> {
    const server = await launchMoto();
    return motoClients(server.endpoint, () => server.stop());
}

function motoClients(endpoint: string, stopServer: () => Promise<void>): Moto {
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
            for (const client of [sqs, dynamodb, secrets]) client.destroy();
            await stopServer();
        },
    };
}

let shared: { server: unknown; moto: Moto } | undefined;

/**
 * The test process's moto_server (test/helpers/emulators.ts: started on first use, stopped after
 * the last suite) with SDK clients pointed at it: suites keep apart by giving their queues and
 * tables distinct names, prefixed with the suite's own.
 */
export function useMoto(): () => Moto {
    let moto: Moto | undefined;
    before(async function () {
        if (!motoAvailable()) {
            console.warn("    moto_server is not on PATH: skipping (install it with `pip install 'moto[server]'`).");
            this.skip();
        }
        this.timeout(20_000);
        const server = await testEmulators.moto();
        if (shared?.server !== server) shared = { server, moto: motoClients(server.endpoint, async () => undefined) };
        moto = shared.moto;
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

import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startMoto as launchMoto } from "../../../rehearse/emulators/moto";
import { installed } from "../../../rehearse/emulators/process";

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
 * Starts moto_server on 127.0.0.1 (the rehearsal's launcher: authorization off, its own process
 * group, stopped by id) and waits until it answers.
 */
export async function startMoto(): Promise<Moto> {
    const server = await launchMoto();
    const config = clientConfig(server.endpoint);
    const sqs = new SQSClient(config);
    const dynamodb = new DynamoDBClient(config);
    const secrets = new SecretsManagerClient(config);
    return {
        endpoint: server.endpoint,
        sqs,
        dynamodb,
        secrets,
        stop: async () => {
            for (const client of [sqs, dynamodb, secrets]) client.destroy();
            await server.stop();
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

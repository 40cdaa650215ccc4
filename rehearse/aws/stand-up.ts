import { CreateTableCommand, UpdateTimeToLiveCommand, type AttributeDefinition, type KeySchemaElement } from "@aws-sdk/client-dynamodb";
import { AttachRolePolicyCommand, CreateAccessKeyCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, PutRolePolicyCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { CreateSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { ofType, plannedRefs, stringInput, substitute, unwrapSecret, type PlannedResource } from "../plan";
import type { MotoEmulator } from "../emulators/moto";
import { awsClients, type AwsClients, type AwsCredentials } from "./clients";
import { motoPolicy } from "./moto-policy";

/** The planned AWS resources, created in moto with their planned inputs. */
export interface AwsStandUp {
    /** Planned reference (offline URL, ARN, id) -> what moto gave the same resource. */
    refs: Map<string, string>;
    /** moto's queue URL per queue ARN. */
    queueUrls: Map<string, string>;
    /** An administrator's key: the rehearsal's own calls (sending test traffic, reading dead letters). */
    admin: AwsCredentials;
    /** Resource types stood up, with counts. */
    created: Map<string, number>;
    /**
     * Credentials of each planned role (by moto ARN), assumed before authorization is on: moto 5
     * cannot evaluate a trust policy naming a service principal, and the service (Lambda, EC2)
     * is what assumes the role on AWS.
     */
    roles: Map<string, AwsCredentials>;
    /** Where moto checks less than AWS would, one line each. */
    limits: string[];
}

/** SQS attribute name for each planned `aws.sqs.Queue` input (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html). */
const queueAttributes: Record<string, string> = {
    delaySeconds: "DelaySeconds",
    maxMessageSize: "MaximumMessageSize",
    messageRetentionSeconds: "MessageRetentionPeriod",
    receiveWaitTimeSeconds: "ReceiveMessageWaitTimeSeconds",
    visibilityTimeoutSeconds: "VisibilityTimeout",
    fifoQueue: "FifoQueue",
    contentBasedDeduplication: "ContentBasedDeduplication",
    deduplicationScope: "DeduplicationScope",
    fifoThroughputLimit: "FifoThroughputLimit",
    sqsManagedSseEnabled: "SqsManagedSseEnabled",
};

/**
 * Creates the planned SQS queues (redrive exactly as planned), DynamoDB tables, Secrets Manager
 * secrets, SNS topics and subscriptions, S3 buckets and IAM roles with their policies in moto,
 * with authorization off; then an administrator user for the rehearsal itself.
 */
export async function standUpAws(moto: MotoEmulator, region: string, resources: PlannedResource[]): Promise<AwsStandUp> {
    const clients = awsClients(moto.endpoint, region, { accessKeyId: "rehearsal", secretAccessKey: "rehearsal" });
    const refs = new Map<string, string>();
    const queueUrls = new Map<string, string>();
    const created = new Map<string, number>();
    const count = (type: string) => created.set(type, (created.get(type) ?? 0) + 1);
    const limits: string[] = [];
    const refer = (resource: PlannedResource, emulated: Record<string, string | undefined>) => {
        const planned = plannedRefs(resource);
        for (const [key, value] of Object.entries(emulated)) if (value && planned[key]) refs.set(planned[key], value);
        if (emulated.id) refs.set(planned.id!, emulated.id);
    };
    try {
        await standUpQueues(clients, resources, refer, queueUrls, count);
        await standUpData(clients, resources, refer, count);
        await standUpTopics(clients, resources, refer, refs, count);
        await standUpIam(clients, resources, refs, count, limits);
        const admin = await adminUser(clients);
        const roles = new Map<string, AwsCredentials>();
        for (const role of ofType(resources, "aws:iam/role:Role")) {
            const roleArn = substitute(plannedRefs(role).arn!, refs);
            const { Credentials } = await clients.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "queuestack-rehearsal" }));
            roles.set(roleArn, { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! });
        }
        return { refs, queueUrls, admin, roles, created, limits: [...new Set(limits)] };
    } finally {
        Object.values(clients).forEach((client) => client.destroy());
    }
}

type Refer = (resource: PlannedResource, emulated: Record<string, string | undefined>) => void;
type Count = (type: string) => void;

async function standUpQueues(clients: AwsClients, resources: PlannedResource[], refer: Refer, queueUrls: Map<string, string>, count: Count) {
    const queues = ofType(resources, "aws:sqs/queue:Queue");
    const attributesOf = (queue: PlannedResource) =>
        Object.fromEntries(Object.entries(queueAttributes).filter(([input]) => queue.inputs[input] !== undefined).map(([input, name]) => [name, String(queue.inputs[input])]));
    const refs = new Map<string, string>();
    for (const queue of queues) {
        const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: stringInput(queue, "name"), Attributes: attributesOf(queue) }));
        const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
        const emulated = { id: QueueUrl, url: QueueUrl, arn: Attributes?.QueueArn };
        refer(queue, emulated);
        for (const [key, value] of Object.entries(plannedRefs(queue))) if (emulated[key as keyof typeof emulated]) refs.set(value, emulated[key as keyof typeof emulated]!);
        queueUrls.set(Attributes!.QueueArn!, QueueUrl!);
        count(queue.type);
    }
    // Redrive once every dead-letter queue exists: the policy names it by ARN.
    for (const queue of queues) {
        const redrive = stringInput(queue, "redrivePolicy");
        if (redrive) await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: substitute(plannedRefs(queue).url!, refs), Attributes: { RedrivePolicy: substitute(redrive, refs) } }));
    }
    for (const [type, input, attribute] of [
        ["aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", "redriveAllowPolicy", "RedriveAllowPolicy"],
        ["aws:sqs/queuePolicy:QueuePolicy", "policy", "Policy"],
    ] as const) {
        for (const resource of ofType(resources, type)) {
            const value = stringInput(resource, input);
            if (!value) continue;
            await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: substitute(stringInput(resource, "queueUrl")!, refs), Attributes: { [attribute]: substitute(value, refs) } }));
            count(type);
        }
    }
}

async function standUpData(clients: AwsClients, resources: PlannedResource[], refer: Refer, count: Count) {
    for (const table of ofType(resources, "aws:dynamodb/table:Table")) {
        const attributes = (table.inputs.attributes as { name: string; type: string }[]) ?? [];
        const keys: KeySchemaElement[] = [{ AttributeName: stringInput(table, "hashKey"), KeyType: "HASH" }];
        if (stringInput(table, "rangeKey")) keys.push({ AttributeName: stringInput(table, "rangeKey"), KeyType: "RANGE" });
        const out = await clients.dynamodb.send(
            new CreateTableCommand({
                TableName: stringInput(table, "name"),
                AttributeDefinitions: attributes.map((a): AttributeDefinition => ({ AttributeName: a.name, AttributeType: a.type as AttributeDefinition["AttributeType"] })),
                KeySchema: keys,
                BillingMode: (stringInput(table, "billingMode") as "PAY_PER_REQUEST" | undefined) ?? "PAY_PER_REQUEST",
            }),
        );
        const ttl = table.inputs.ttl as { attributeName?: string; enabled?: boolean } | undefined;
        if (ttl?.enabled && ttl.attributeName) {
            await clients.dynamodb.send(new UpdateTimeToLiveCommand({ TableName: stringInput(table, "name"), TimeToLiveSpecification: { AttributeName: ttl.attributeName, Enabled: true } }));
        }
        refer(table, { arn: out.TableDescription?.TableArn });
        count(table.type);
    }
    const secretArns = new Map<string, string>();
    for (const secret of ofType(resources, "aws:secretsmanager/secret:Secret")) {
        const { ARN } = await clients.secrets.send(new CreateSecretCommand({ Name: stringInput(secret, "name") ?? plannedRefs(secret).name, Description: stringInput(secret, "description") }));
        refer(secret, { id: ARN, arn: ARN });
        for (const planned of [plannedRefs(secret).id!, plannedRefs(secret).arn!]) secretArns.set(planned, ARN!);
        count(secret.type);
    }
    for (const version of ofType(resources, "aws:secretsmanager/secretVersion:SecretVersion")) {
        const secretString = unwrapSecret(version.inputs.secretString);
        await clients.secrets.send(new PutSecretValueCommand({ SecretId: substitute(stringInput(version, "secretId")!, secretArns), SecretString: String(secretString) }));
        count(version.type);
    }
    for (const bucket of ofType(resources, "aws:s3/bucket:Bucket")) {
        const name = stringInput(bucket, "bucket") ?? plannedRefs(bucket).bucket!;
        await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
        count(bucket.type);
    }
}

async function standUpTopics(clients: AwsClients, resources: PlannedResource[], refer: Refer, refs: Map<string, string>, count: Count) {
    for (const topic of ofType(resources, "aws:sns/topic:Topic")) {
        const fifo = topic.inputs.fifoTopic === true;
        const attributes: Record<string, string> = fifo ? { FifoTopic: "true", ContentBasedDeduplication: String(topic.inputs.contentBasedDeduplication === true) } : {};
        const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: stringInput(topic, "name"), Attributes: attributes }));
        refer(topic, { id: TopicArn, arn: TopicArn });
        count(topic.type);
    }
    for (const subscription of ofType(resources, "aws:sns/topicSubscription:TopicSubscription")) {
        const attributes: Record<string, string> = {};
        if (subscription.inputs.rawMessageDelivery !== undefined) attributes.RawMessageDelivery = String(subscription.inputs.rawMessageDelivery);
        if (stringInput(subscription, "filterPolicy")) attributes.FilterPolicy = stringInput(subscription, "filterPolicy")!;
        await clients.sns.send(
            new SubscribeCommand({ TopicArn: substitute(stringInput(subscription, "topic")!, refs), Protocol: stringInput(subscription, "protocol"), Endpoint: substitute(stringInput(subscription, "endpoint")!, refs), Attributes: attributes }),
        );
        count(subscription.type);
    }
}

async function standUpIam(clients: AwsClients, resources: PlannedResource[], refs: Map<string, string>, count: Count, limits: string[]) {
    for (const role of ofType(resources, "aws:iam/role:Role")) {
        await clients.iam.send(new CreateRoleCommand({ RoleName: stringInput(role, "name"), AssumeRolePolicyDocument: stringInput(role, "assumeRolePolicy") }));
        count(role.type);
    }
    const roleName = (value: string) => value.split("/").pop()!;
    for (const policy of ofType(resources, "aws:iam/rolePolicy:RolePolicy")) {
        const { document, widened } = motoPolicy(substitute(stringInput(policy, "policy")!, refs));
        limits.push(...widened);
        await clients.iam.send(new PutRolePolicyCommand({ RoleName: roleName(stringInput(policy, "role")!), PolicyName: stringInput(policy, "name") ?? policy.name, PolicyDocument: document }));
        count(policy.type);
    }
    const managed = new Map<string, string>();
    for (const policy of ofType(resources, "aws:iam/policy:Policy")) {
        const { document, widened } = motoPolicy(substitute(stringInput(policy, "policy")!, refs));
        limits.push(...widened);
        const out = await clients.iam.send(new CreatePolicyCommand({ PolicyName: stringInput(policy, "name") ?? policy.name, PolicyDocument: document }));
        managed.set(plannedRefs(policy).arn!, out.Policy!.Arn!);
        count(policy.type);
    }
    for (const attachment of ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
        await clients.iam.send(new AttachRolePolicyCommand({ RoleName: roleName(stringInput(attachment, "role")!), PolicyArn: substitute(stringInput(attachment, "policyArn")!, managed) }));
        count(attachment.type);
    }
}

/** An IAM user allowed everything: the rehearsal's own identity once authorization is on. */
async function adminUser(clients: AwsClients): Promise<AwsCredentials> {
    const UserName = "queuestack-rehearsal";
    await clients.iam.send(new CreateUserCommand({ UserName }));
    await clients.iam.send(
        new PutUserPolicyCommand({ UserName, PolicyName: "everything", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }),
    );
    const { AccessKey } = await clients.iam.send(new CreateAccessKeyCommand({ UserName }));
    return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}

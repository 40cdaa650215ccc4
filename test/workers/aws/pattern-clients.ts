import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateScheduleGroupCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { SNSClient } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { Moto } from "../helpers/moto";

/** SNS, S3 and EventBridge Scheduler clients pointed at the shared moto_server. */
export function patternClients(moto: Moto) {
    const config = { endpoint: moto.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" }, maxAttempts: 1 };
    return { sns: new SNSClient(config), s3: new S3Client({ ...config, forcePathStyle: true }), scheduler: new SchedulerClient(config) };
}

/** A standard queue and its URL and ARN. */
export async function queueWithArn(moto: Moto, name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
    const { QueueUrl } = await moto.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const { Attributes } = await moto.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

/** An S3 bucket on moto. */
export async function createBucket(s3: S3Client, bucket: string): Promise<void> {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** A schedule group on moto. */
export async function createScheduleGroup(scheduler: SchedulerClient, name: string): Promise<void> {
    await scheduler.send(new CreateScheduleGroupCommand({ Name: name }));
}

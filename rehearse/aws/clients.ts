import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { STSClient } from "@aws-sdk/client-sts";

/** An access key moto knows (an IAM user's, or an assumed role's with its session token). */
export interface AwsCredentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
}

/** SDK clients pointed at moto, signing with one identity. */
export function awsClients(endpoint: string, region: string, credentials: AwsCredentials) {
    const config = { endpoint, region, credentials, maxAttempts: 1 };
    return {
        sqs: new SQSClient(config),
        dynamodb: new DynamoDBClient(config),
        secrets: new SecretsManagerClient(config),
        sns: new SNSClient(config),
        s3: new S3Client({ ...config, forcePathStyle: true }),
        iam: new IAMClient(config),
        sts: new STSClient(config),
    };
}

export type AwsClients = ReturnType<typeof awsClients>;

/** Closes every client's sockets. */
export const closeClients = (clients: AwsClients) => Object.values(clients).forEach((client) => client.destroy());

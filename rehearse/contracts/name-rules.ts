/**
 * The clouds' own rules for physical names, written from their documentation (not from the
 * components' generators, so a generator bug shows here), and which names are global: unique
 * across an account (every region), a project, or the whole cloud.
 */
export interface CloudNameRule {
    /** Planned input holding the name. */
    input: string;
    pattern: RegExp;
    /** The rule in words, for the error. */
    rule: string;
    /**
     * Unique beyond one stack's region: a second region or stack must plan a different name.
     * "account": an AWS account or Azure subscription (every region of it); "project": a Google
     * Cloud project; "cloud": all of the cloud (a DNS label or bucket name).
     */
    global?: NameScope;
    source: string;
}

/** How far a global name must be unique. */
export type NameScope = "account" | "project" | "cloud";

export const cloudNameRules: Record<string, CloudNameRule> = {
    "aws:sqs/queue:Queue": { input: "name", pattern: /^[A-Za-z0-9_-]{1,75}(\.fifo)?$|^[A-Za-z0-9_-]{1,80}$/, rule: "1-80 letters, digits, - or _ (FIFO: ending .fifo)", source: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html" },
    "aws:lambda/function:Function": { input: "name", pattern: /^[A-Za-z0-9_-]{1,64}$/, rule: "1-64 letters, digits, - or _", source: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html" },
    "aws:iam/role:Role": { input: "name", pattern: /^[\w+=,.@-]{1,64}$/, rule: "1-64 of letters, digits and +=,.@_-", global: "account", source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html" },
    "aws:iam/policy:Policy": { input: "name", pattern: /^[\w+=,.@-]{1,128}$/, rule: "1-128 of letters, digits and +=,.@_-", global: "account", source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html" },
    "aws:iam/instanceProfile:InstanceProfile": { input: "name", pattern: /^[\w+=,.@-]{1,128}$/, rule: "1-128 of letters, digits and +=,.@_-", global: "account", source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html" },
    "aws:dynamodb/table:Table": { input: "name", pattern: /^[A-Za-z0-9_.-]{3,255}$/, rule: "3-255 letters, digits, _ . or -", source: "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html" },
    "aws:secretsmanager/secret:Secret": { input: "name", pattern: /^[A-Za-z0-9/_+=.@-]{1,512}$/, rule: "1-512 of letters, digits and /_+=.@-", source: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html" },
    "aws:sns/topic:Topic": { input: "name", pattern: /^[A-Za-z0-9_-]{1,256}$|^[A-Za-z0-9_-]{1,251}\.fifo$/, rule: "1-256 letters, digits, - or _ (FIFO: ending .fifo)", source: "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html" },
    "aws:s3/bucket:Bucket": { input: "bucket", pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, rule: "3-63 lowercase letters, digits, . or -", global: "cloud", source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html" },
    // Topics and subscriptions are named `projects/{project}/topics/{topic}`: one name per project, in every region.
    "gcp:pubsub/topic:Topic": { input: "name", pattern: /^[A-Za-z][\w.~+%-]{2,254}$/, rule: "3-255 chars starting with a letter; letters, digits and -_.~+%", global: "project", source: "https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names" },
    "gcp:pubsub/subscription:Subscription": { input: "name", pattern: /^[A-Za-z][\w.~+%-]{2,254}$/, rule: "3-255 chars starting with a letter; letters, digits and -_.~+%", global: "project", source: "https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names" },
    "gcp:serviceaccount/account:Account": { input: "accountId", pattern: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, rule: "6-30 lowercase letters, digits or -, starting with a letter", global: "project", source: "https://cloud.google.com/iam/docs/service-accounts-create" },
    "gcp:cloudfunctionsv2/function:Function": { input: "name", pattern: /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/, rule: "1-63 lowercase letters, digits or -, starting with a letter", source: "https://cloud.google.com/functions/docs/reference/rest/v2/projects.locations.functions" },
    "gcp:storage/bucket:Bucket": { input: "name", pattern: /^[a-z0-9][a-z0-9_.-]{1,61}[a-z0-9]$/, rule: "3-63 lowercase letters, digits, _ . or -", global: "cloud", source: "https://cloud.google.com/storage/docs/buckets#naming" },
    // A resource group name is unique in its subscription, whatever its location ("InvalidResourceGroupLocation ... already exists in location").
    "azure-native:resources:ResourceGroup": { input: "resourceGroupName", pattern: /^[\w().-]{0,89}[\w()-]$/, rule: "1-90 letters, digits, _ ( ) - or ., not ending in .", global: "account", source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources" },
    "azure-native:storage:StorageAccount": { input: "accountName", pattern: /^[a-z0-9]{3,24}$/, rule: "3-24 lowercase letters or digits", global: "cloud", source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftstorage" },
    "azure-native:keyvault:Vault": { input: "vaultName", pattern: /^[A-Za-z](?!.*--)[A-Za-z0-9-]{1,22}[A-Za-z0-9]$/, rule: "3-24 letters, digits or single -, starting with a letter", global: "cloud", source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault" },
    "azure-native:servicebus:Namespace": { input: "namespaceName", pattern: /^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]$/, rule: "6-50 letters, digits or -, starting with a letter", global: "cloud", source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftservicebus" },
    "azure-native:cosmosdb:DatabaseAccount": { input: "accountName", pattern: /^[a-z0-9](?:[a-z0-9-]{1,42}[a-z0-9])$/, rule: "3-44 lowercase letters, digits or -", global: "cloud", source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftdocumentdb" },
    "azure-native:web:WebApp": { input: "name", pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,58}[A-Za-z0-9])?$/, rule: "2-60 letters, digits or -", global: "cloud", source: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftweb" },
};

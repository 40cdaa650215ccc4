import { createHash } from "node:crypto";
import type { MockResourceArgs } from "@pulumi/pulumi/runtime";

/**
 * Values a provider would compute (ids, ARNs, URLs) for a mocked resource, so outputs that depend
 * on them resolve in offline runs. Shaped after each cloud's formats; never sent anywhere.
 */
export function computedState(args: MockResourceArgs): Record<string, unknown> {
    // An S3 bucket is named by `bucket` (or auto-named from its logical name), never `name`: its ARN must use the same.
    const name: string = args.type === "aws:s3/bucket:Bucket"
        ? (args.inputs.bucket ?? `${args.name}-bucket`)
        // `namePrefix`: the provider appends a 26-character unique suffix.
        : (args.inputs.name ?? (args.inputs.namePrefix !== undefined ? `${args.inputs.namePrefix}20261204000000000000000001` : autoName(args)));
    const [pkg] = args.type.split(":");
    const common: Record<string, unknown> = { id: `${name}-id` };
    if (pkg === "aws") {
        // AWS ids are the physical name for most resources, the URL for queues (as the provider sets them).
        Object.assign(common, {
            id: args.type === "aws:sqs/queue:Queue" ? `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}` : awsIdIsName.has(args.type) ? name : `${name}-id`,
            // A resource that takes another's ARN as input (an EventBridge target) keeps it as output.
            arn: args.inputs.arn ?? awsArn(args.type, name),
            url: `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`,
            name,
        });
        if (args.type === "aws:apigatewayv2/api:Api") {
            common.apiEndpoint = `https://${name}.execute-api.eu-west-1.amazonaws.com`;
            common.executionArn = `arn:aws:execute-api:eu-west-1:123456789012:${name}`;
        }
        if (args.type === "aws:apigatewayv2/stage:Stage") common.invokeUrl = `https://api.execute-api.eu-west-1.amazonaws.com/${args.inputs.name}`;
        if (args.type === "aws:lambda/function:Function") common.invokeArn = `arn:aws:apigateway:eu-west-1:lambda:path/functions/${name}/invocations`;
        if (args.type === "aws:s3/bucket:Bucket") common.bucket = name;
        if (args.type === "aws:iam/role:Role") common.uniqueId = `AROA${name.toUpperCase()}`;
    } else if (pkg === "random") {
        common.result = `offline-${args.name}-value`;
        // A RandomId's hex: 2 digits per byte, stable per resource name.
        if (args.type === "random:index/randomId:RandomId") common.hex = createHash("sha256").update(args.name).digest("hex").slice(0, 2 * Number(args.inputs.byteLength ?? 4));
    } else if (pkg === "azure-native") {
        const azureName: string = args.inputs[azureNameInputs[args.type] ?? "name"] ?? args.name;
        common.id = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/${args.type}/${azureName}`;
        common.name = azureName;
        Object.assign(common, azureComputed(args, azureName));
    } else if (pkg === "gcp") {
        common.name = name;
        common.id = `projects/demo-project/${args.type.split(":")[1]}/${name}`;
        common.email = `${args.inputs.accountId ?? name}@demo-project.iam.gserviceaccount.com`;
        common.project = args.inputs.project ?? "demo-project";
        Object.assign(common, gcpComputed(args, name));
    }
    return common;
}

/**
 * The physical name a provider gives a resource created without one. The AWS provider appends
 * `.fifo` to the generated name of a FIFO queue (SQS requires it), so its ARN and URL end in it.
 */
function autoName(args: MockResourceArgs): string {
    const fifoQueue = args.type === "aws:sqs/queue:Queue" && args.inputs.fifoQueue === true;
    return fifoQueue ? `${args.name}.fifo` : args.name;
}

/** GCP fields whose format other resources rely on (full resource names, function URLs). */
function gcpComputed(args: MockResourceArgs, name: string): Record<string, unknown> {
    const location: string = args.inputs.location ?? "europe-west1";
    switch (args.type) {
        case "gcp:serviceaccount/account:Account":
            return { name: `projects/demo-project/serviceAccounts/${args.inputs.accountId}@demo-project.iam.gserviceaccount.com` };
        case "gcp:firestore/database:Database":
            return { id: `projects/demo-project/databases/${name}` };
        case "gcp:pubsub/topic:Topic":
            return { id: `projects/demo-project/topics/${name}` };
        case "gcp:pubsub/subscription:Subscription":
            return { id: `projects/demo-project/subscriptions/${name}` };
        case "gcp:cloudfunctionsv2/function:Function": {
            const uri = `https://${name}-abc123-ew.a.run.app`;
            return {
                id: `projects/demo-project/locations/${location}/functions/${name}`,
                url: `https://${location}-demo-project.cloudfunctions.net/${name}`,
                serviceConfig: { ...args.inputs.serviceConfig, service: `projects/demo-project/locations/${location}/services/${name}`, uri },
            };
        }
        case "gcp:projects/serviceIdentity:ServiceIdentity": {
            // The agents' documented emails (https://cloud.google.com/iam/docs/service-agents).
            const agent = ({ "pubsub.googleapis.com": "gcp-sa-pubsub", "monitoring.googleapis.com": "gcp-sa-monitoring-notification" } as Record<string, string>)[args.inputs.service];
            // Others follow service-<project number>@gcp-sa-<service>.iam.gserviceaccount.com.
            const email = `service-123456789012@${agent ?? `gcp-sa-${String(args.inputs.service ?? "").split(".")[0]}`}.iam.gserviceaccount.com`;
            return { id: `projects/demo-project/services/${args.inputs.service}`, email, member: `serviceAccount:${email}` };
        }
        case "gcp:monitoring/notificationChannel:NotificationChannel":
            return { id: `projects/demo-project/notificationChannels/${name}`, name: `projects/demo-project/notificationChannels/${name}` };
        case "gcp:secretmanager/secret:Secret":
            return { id: `projects/demo-project/secrets/${args.inputs.secretId}`, name: `projects/123456789012/secrets/${args.inputs.secretId}` };
        case "gcp:compute/instanceTemplate:InstanceTemplate": {
            const selfLink = `https://www.googleapis.com/compute/v1/projects/demo-project/global/instanceTemplates/${name}`;
            return { selfLink, selfLinkUnique: `${selfLink}?uniqueId=1` };
        }
        case "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager":
            return { instanceGroup: `https://www.googleapis.com/compute/v1/projects/demo-project/regions/${args.inputs.region}/instanceGroups/${name}`, selfLink: `https://www.googleapis.com/compute/v1/projects/demo-project/regions/${args.inputs.region}/instanceGroupManagers/${name}` };
        default:
            return {};
    }
}

/** AWS resource types whose provider id is their name. */
const awsIdIsName = new Set([
    "aws:iam/role:Role",
    "aws:iam/instanceProfile:InstanceProfile",
    "aws:lambda/function:Function",
    "aws:dynamodb/table:Table",
    "aws:s3/bucket:Bucket",
    "aws:autoscaling/group:Group",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/dashboard:Dashboard",
]);

/** ARNs in each AWS service's own format. */
function awsArn(type: string, name: string): string {
    const service = type.split(":")[1].split("/")[0];
    const region = "eu-west-1";
    const account = "123456789012";
    const formats: Record<string, string> = {
        "aws:cloudwatch/logGroup:LogGroup": `arn:aws:logs:${region}:${account}:log-group:${name}`,
        "aws:cloudwatch/eventRule:EventRule": `arn:aws:events:${region}:${account}:rule/${name}`,
        "aws:dynamodb/table:Table": `arn:aws:dynamodb:${region}:${account}:table/${name}`,
        "aws:lambda/function:Function": `arn:aws:lambda:${region}:${account}:function:${name}`,
        "aws:iam/role:Role": `arn:aws:iam::${account}:role/${name}`,
        "aws:iam/instanceProfile:InstanceProfile": `arn:aws:iam::${account}:instance-profile/${name}`,
        "aws:s3/bucket:Bucket": `arn:aws:s3:::${name}`,
        "aws:kms/key:Key": `arn:aws:kms:${region}:${account}:key/${name}`,
        "aws:secretsmanager/secret:Secret": `arn:aws:secretsmanager:${region}:${account}:secret:${name}-AbCdEf`,
    };
    return formats[type] ?? `arn:aws:${service}:${region}:${account}:${name}`;
}

/** The input holding an azure-native resource's own name (others name its parents). */
const azureNameInputs: Record<string, string> = {
    "azure-native:resources:ResourceGroup": "resourceGroupName",
    "azure-native:operationalinsights:Workspace": "workspaceName",
    "azure-native:applicationinsights:Component": "resourceName",
    "azure-native:applicationinsights:Workbook": "resourceName",
    "azure-native:servicebus:Namespace": "namespaceName",
    "azure-native:servicebus:Queue": "queueName",
    "azure-native:servicebus:Topic": "topicName",
    "azure-native:servicebus:Subscription": "subscriptionName",
    "azure-native:storage:ManagementPolicy": "managementPolicyName",
    "azure-native:cosmosdb:DatabaseAccount": "accountName",
    "azure-native:cosmosdb:SqlResourceSqlDatabase": "databaseName",
    "azure-native:cosmosdb:SqlResourceSqlContainer": "containerName",
    "azure-native:storage:StorageAccount": "accountName",
    "azure-native:storage:BlobContainer": "containerName",
    "azure-native:storage:Blob": "blobName",
    "azure-native:keyvault:Vault": "vaultName",
    "azure-native:keyvault:Secret": "secretName",
    "azure-native:compute:VirtualMachineScaleSet": "vmScaleSetName",
    "azure-native:network:VirtualNetwork": "virtualNetworkName",
    "azure-native:network:Subnet": "subnetName",
    "azure-native:network:NetworkSecurityGroup": "networkSecurityGroupName",
    "azure-native:network:PublicIPAddress": "publicIpAddressName",
    "azure-native:network:NatGateway": "natGatewayName",
    "azure-native:monitor:ActionGroup": "actionGroupName",
    "azure-native:monitor:MetricAlert": "ruleName",
    "azure-native:monitor:AutoscaleSetting": "autoscaleSettingName",
};

/** Azure fields other resources rely on: identities' principal ids, endpoints, host names. */
function azureComputed(args: MockResourceArgs, name: string): Record<string, unknown> {
    const computed: Record<string, unknown> = {};
    const identity = args.inputs.identity as { type?: string } | undefined;
    if (identity?.type?.includes("SystemAssigned")) {
        computed.identity = { ...identity, principalId: `principal-${args.name}`, tenantId: "11111111-1111-1111-1111-111111111111" };
    }
    switch (args.type) {
        case "azure-native:resources:ResourceGroup":
            return { ...computed, location: args.inputs.location ?? "westeurope" };
        case "azure-native:web:WebApp":
            return { ...computed, defaultHostName: `${name}.azurewebsites.net` };
        case "azure-native:cosmosdb:DatabaseAccount":
            return { ...computed, documentEndpoint: `https://${name}.documents.azure.com:443/` };
        case "azure-native:storage:StorageAccount":
            return { ...computed, primaryEndpoints: { blob: `https://${name}.blob.core.windows.net/` } };
        case "azure-native:applicationinsights:Component":
            return { ...computed, connectionString: `InstrumentationKey=${name};IngestionEndpoint=https://westeurope.in.applicationinsights.azure.com/` };
        case "azure-native:managedidentity:UserAssignedIdentity":
            return { ...computed, principalId: `principal-${args.name}`, clientId: `client-${args.name}` };
        case "azure-native:keyvault:Secret":
            return { ...computed, properties: { ...args.inputs.properties, secretUri: `https://${args.inputs.vaultName}.vault.azure.net/secrets/${name}` } };
        default:
            return computed;
    }
}

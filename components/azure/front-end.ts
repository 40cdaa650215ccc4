import * as pulumi from "@pulumi/pulumi";
import { type FrontEndSpec, frontEndSchema, parseSpecPart } from "../spec";
import { ApiKeyVault } from "./api-key";
import { type AzurePlacement, placementOf } from "./context";
import { FunctionApp, hostingOf } from "./function-app";
import { grantContainerAccess } from "./cosmos-access";
import { grantRole } from "./roles";
import type { CosmosContainerRef } from "./worker-settings";

/** A queue the front end may send to. */
export interface FrontEndQueue {
    /** Logical queue name (spec `queues[].name`), as callers address it. */
    name: string;
    /** Queue resource id: the scope of the front end's send role. */
    queueId: pulumi.Input<string>;
    /** Physical queue name the front end sends to. */
    queueName: pulumi.Input<string>;
    /** True for session queues (`ordering: fifo`): messages carry the group key as session id. */
    sessions: boolean;
}

export interface FrontEndArgs extends AzurePlacement {
    /** The front-end spec (`auth`, `maxBodyKb`). @default {} (API key auth, 256 KiB) */
    frontEnd?: Partial<FrontEndSpec>;
    /** Queues it enqueues to; the first is the default. */
    queues: FrontEndQueue[];
    /** `<namespace>.servicebus.windows.net` */
    fullyQualifiedNamespace: pulumi.Input<string>;
    /** The zipped Function App (see AzureCodeSource.frontEnd). */
    code: pulumi.Input<pulumi.asset.Archive>;
    /** Application Insights to report to (ResourceGroup outputs). */
    appInsights: { id: pulumi.Input<string>; connectionString: pulumi.Input<string> };
    /** Entra ID tenant (for the API key's vault). */
    tenantId: pulumi.Input<string>;
    /** Makes global names unique (e.g. the resource group id). */
    uniqueScope: pulumi.Input<string>;
    /** Subscription of the built-in role definitions. */
    subscription: pulumi.Input<string>;
    /**
     * The Cosmos DB container of job records (Datastore outputs), for `GET /api/jobs/{id}`: the app
     * gets its QUEUESTACK_COSMOS_* settings and read-only access to that one container.
     * @default none: job status answers 501
     */
    datastore?: CosmosContainerRef;
    /** Most instances. @default 10 */
    maximumInstanceCount?: number;
}

/**
 * The HTTP front end: a Function App with an HTTP trigger that checks the API key (a Key Vault
 * reference, unless `auth: none`), rejects bodies over `maxBodyKb` and sends to its queues with
 * "Azure Service Bus Data Sender" on each queue only. With a datastore it serves job status,
 * reading that one Cosmos DB container with the built-in Data Reader role.
 */
export class FrontEnd extends pulumi.ComponentResource {
    readonly spec: FrontEndSpec;
    readonly functionApp: FunctionApp;
    /** `https://<app>.azurewebsites.net/api/messages` */
    readonly url: pulumi.Output<string>;
    /** The API key (secret), or undefined with `auth: none`. */
    readonly apiKey?: pulumi.Output<string>;

    constructor(name: string, args: FrontEndArgs, opts?: pulumi.ComponentResourceOptions) {
        const spec = parseSpecPart(frontEndSchema, args.frontEnd ?? {}, `front end "${name}"`);
        if (args.queues.length === 0) throw new Error(`front end "${name}": needs at least one queue`);
        super("queuestack:azure:FrontEnd", name, {}, opts);
        this.spec = spec;
        const keyVault = spec.auth === "apiKey"
            ? new ApiKeyVault(`${name}-api-key`, { ...placementOf(args), tenantId: args.tenantId, uniqueScope: args.uniqueScope }, { parent: this })
            : undefined;
        const maxBodyBytes = spec.maxBodyKb * 1024;
        this.functionApp = new FunctionApp(`${name}-functions`, {
            ...hostingOf(args),
            role: "front-end",
            memoryMb: 2048,
            maximumInstanceCount: args.maximumInstanceCount ?? 10,
            appSettings: {
                QUEUESTACK_SERVICEBUS_NAMESPACE: args.fullyQualifiedNamespace,
                QUEUESTACK_QUEUES: pulumi.jsonStringify(args.queues.map((q) => ({ name: q.name, entity: q.queueName, sessions: q.sessions }))),
                QUEUESTACK_AUTH: spec.auth,
                QUEUESTACK_MAX_BODY_BYTES: String(maxBodyBytes),
                // The host refuses larger bodies before the function runs.
                FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: String(maxBodyBytes),
                ...(args.datastore ? {
                    QUEUESTACK_COSMOS_ENDPOINT: args.datastore.endpoint,
                    QUEUESTACK_COSMOS_DATABASE: args.datastore.databaseName,
                    QUEUESTACK_COSMOS_CONTAINER: args.datastore.containerName,
                } : {}),
                ...(keyVault ? { QUEUESTACK_API_KEY: pulumi.interpolate`@Microsoft.KeyVault(SecretUri=${keyVault.secretUri})` } : {}),
            },
        }, { parent: this });
        const principalId = this.functionApp.principalId;
        args.queues.forEach((queue) =>
            grantRole(`${name}-send-${queue.name}`, { principalId, role: "serviceBusDataSender", scope: queue.queueId, subscription: args.subscription }, { parent: this }),
        );
        if (args.datastore) {
            grantContainerAccess(`${name}-read-jobs`, { principalId, datastore: args.datastore, resourceGroupName: args.resourceGroupName, access: "read" }, { parent: this });
        }
        if (keyVault) {
            grantRole(`${name}-read-api-key`, { principalId, role: "keyVaultSecretsUser", scope: keyVault.secretId, subscription: args.subscription }, { parent: this });
            this.apiKey = keyVault.apiKey;
        }
        this.url = pulumi.interpolate`https://${this.functionApp.defaultHostName}/api/messages`;
        this.registerOutputs({ url: this.url });
    }
}

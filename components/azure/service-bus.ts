import * as servicebus from "@pulumi/azure-native/servicebus";
import * as pulumi from "@pulumi/pulumi";
import type { AzureSpec } from "../spec";
import { type AzurePlacement, placement } from "./context";
import { azureNames } from "./names";

/** Spec tier -> Service Bus SKU name. */
const skuNames = { basic: "Basic", standard: "Standard", premium: "Premium" } as const;

export interface ServiceBusNamespaceArgs extends AzurePlacement {
    /**
     * Namespace tier (spec `azure.serviceBusTier`). Basic cannot host sessions or duplicate
     * detection; the spec rejects it when a queue needs them.
     * @default "standard"
     */
    tier?: AzureSpec["serviceBusTier"];
    /** Makes the namespace name unique across Azure (e.g. the resource group id). */
    uniqueScope: pulumi.Input<string>;
}

/**
 * A Service Bus namespace reachable with Entra ID only (SAS keys and connection strings are
 * disabled), TLS 1.2 or later.
 */
export class ServiceBusNamespace extends pulumi.ComponentResource {
    readonly namespace: servicebus.Namespace;
    readonly namespaceName: pulumi.Output<string>;
    readonly namespaceId: pulumi.Output<string>;
    /** `<name>.servicebus.windows.net`: what clients connect to with their managed identity. */
    readonly fullyQualifiedName: pulumi.Output<string>;
    readonly tier: AzureSpec["serviceBusTier"];

    constructor(name: string, args: ServiceBusNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:azure:ServiceBusNamespace", name, {}, opts);
        const at = placement(args, "queue");
        this.tier = args.tier ?? "standard";
        const sku = skuNames[this.tier];
        this.namespace = new servicebus.Namespace(`${name}-namespace`, {
            namespaceName: at.globalName(azureNames.serviceBusNamespace, args.uniqueScope, "bus"),
            resourceGroupName: at.resourceGroupName,
            location: at.location,
            sku: { name: sku, tier: sku },
            disableLocalAuth: true,
            minimumTlsVersion: "1.2",
            tags: at.tags,
        }, { parent: this });
        this.namespaceName = this.namespace.name;
        this.namespaceId = this.namespace.id;
        this.fullyQualifiedName = pulumi.interpolate`${this.namespace.name}.servicebus.windows.net`;
        this.registerOutputs({ namespaceName: this.namespaceName, namespaceId: this.namespaceId, fullyQualifiedName: this.fullyQualifiedName });
    }
}

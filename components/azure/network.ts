import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { type AzurePlacement, placement } from "./context";
import { azureNames } from "./names";

export interface WorkerNetworkArgs extends AzurePlacement {
    /** Address space of the virtual network. @default "10.42.0.0/16" */
    addressSpace?: string;
    /** Prefix of the workers' subnet, inside `addressSpace`. @default "10.42.0.0/20" */
    subnetPrefix?: string;
}

/** Services VM workers reach over the Azure backbone (service endpoints on their subnet). */
export const workerServiceEndpoints = ["Microsoft.ServiceBus", "Microsoft.AzureCosmosDB", "Microsoft.Storage"] as const;

/**
 * A private network for VM workers: one subnet without default outbound access, a network
 * security group denying all inbound traffic from the internet, service endpoints to Service Bus,
 * Cosmos DB and Storage, and a NAT gateway for outbound-only traffic (OS packages, Node.js).
 * Instances get no public IP.
 */
export class WorkerNetwork extends pulumi.ComponentResource {
    readonly subnetId: pulumi.Output<string>;
    readonly virtualNetworkId: pulumi.Output<string>;

    constructor(name: string, args: WorkerNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:azure:WorkerNetwork", name, {}, opts);
        const at = placement(args, "network");
        const parent = { parent: this };
        const common = { resourceGroupName: at.resourceGroupName, location: at.location, tags: at.tags };
        const securityGroup = new network.NetworkSecurityGroup(`${name}-nsg`, {
            ...common,
            networkSecurityGroupName: at.name(azureNames.network, "workers-nsg"),
            securityRules: [{
                name: "deny-internet-inbound",
                priority: 4096,
                direction: "Inbound",
                access: "Deny",
                protocol: "*",
                sourceAddressPrefix: "Internet",
                sourcePortRange: "*",
                destinationAddressPrefix: "*",
                destinationPortRange: "*",
                description: "Workers take no inbound connections; they pull work from Service Bus.",
            }],
        }, parent);
        const egressAddress = new network.PublicIPAddress(`${name}-egress-ip`, {
            ...common,
            publicIpAddressName: at.name(azureNames.network, "workers-egress"),
            sku: { name: "Standard", tier: "Regional" },
            publicIPAllocationMethod: "Static",
            publicIPAddressVersion: "IPv4",
        }, parent);
        const natGateway = new network.NatGateway(`${name}-nat`, {
            ...common,
            natGatewayName: at.name(azureNames.network, "workers-nat"),
            sku: { name: "Standard" },
            publicIpAddresses: [{ id: egressAddress.id }],
            idleTimeoutInMinutes: 4,
        }, parent);
        const vnet = new network.VirtualNetwork(`${name}-vnet`, {
            ...common,
            virtualNetworkName: at.name(azureNames.network, "vnet"),
            addressSpace: { addressPrefixes: [args.addressSpace ?? "10.42.0.0/16"] },
        }, { parent: this, ignoreChanges: ["subnets"] });
        const subnet = new network.Subnet(`${name}-subnet`, {
            resourceGroupName: at.resourceGroupName,
            virtualNetworkName: vnet.name,
            subnetName: "workers",
            addressPrefix: args.subnetPrefix ?? "10.42.0.0/20",
            defaultOutboundAccess: false,
            networkSecurityGroup: { id: securityGroup.id },
            natGateway: { id: natGateway.id },
            serviceEndpoints: workerServiceEndpoints.map((service) => ({ service })),
        }, parent);
        this.subnetId = subnet.id;
        this.virtualNetworkId = vnet.id;
        this.registerOutputs({ subnetId: this.subnetId, virtualNetworkId: this.virtualNetworkId });
    }
}

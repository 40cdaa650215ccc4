import * as compute from "@pulumi/gcp/compute";
import * as pulumi from "@pulumi/pulumi";
import { type GcpPlacement, gcpPlacement, childOptions } from "./context";
import { gcpNames } from "./names";

export interface NetworkArgs extends GcpPlacement {
    /** Primary range of the worker subnet. @default "10.20.0.0/24" (251 instances) */
    cidrRange?: string;
}

/**
 * A private network for VM workers: a custom-mode VPC with one regional subnet where Private
 * Google Access reaches Google APIs without public IPs, and Cloud NAT for outbound internet
 * (installing Node.js, the work itself). No firewall rule allows ingress, so instances accept no
 * inbound connection (the VPC's implied rule denies it).
 */
export class Network extends pulumi.ComponentResource {
    readonly network: compute.Network;
    readonly subnetwork: compute.Subnetwork;
    /** Self link of the worker subnet. */
    readonly subnetworkId: pulumi.Output<string>;

    constructor(name: string, args: NetworkArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:gcp:Network", name, {}, opts);
        const parent = childOptions(this, opts);
        const { name: physical, region } = gcpPlacement(args, "network");
        const location = region();
        this.network = new compute.Network(
            `${name}-vpc`,
            { name: physical(gcpNames.compute, "vpc"), autoCreateSubnetworks: false, routingMode: "REGIONAL", description: "queuestack VM workers" },
            parent,
        );
        this.subnetwork = new compute.Subnetwork(
            `${name}-subnet`,
            {
                name: physical(gcpNames.compute, "workers"),
                network: this.network.id,
                region: location,
                ipCidrRange: args.cidrRange ?? "10.20.0.0/24",
                privateIpGoogleAccess: true,
                logConfig: { aggregationInterval: "INTERVAL_5_MIN", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
            },
            parent,
        );
        const router = new compute.Router(`${name}-router`, { name: physical(gcpNames.compute, "router"), network: this.network.id, region: location }, parent);
        new compute.RouterNat(
            `${name}-nat`,
            {
                name: physical(gcpNames.compute, "nat"),
                router: router.name,
                region: location,
                natIpAllocateOption: "AUTO_ONLY",
                sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
                subnetworks: [{ name: this.subnetwork.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
                logConfig: { enable: true, filter: "ERRORS_ONLY" },
            },
            parent,
        );
        this.subnetworkId = this.subnetwork.selfLink;
        this.registerOutputs({ subnetworkId: this.subnetworkId });
    }
}

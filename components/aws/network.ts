import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type AwsPlacement, placement } from "./context";

export interface NetworkArgs extends AwsPlacement {
    /** VPC address range. @default "10.42.0.0/16" */
    cidrBlock?: string;
    /** Availability zones to spread private subnets over. @default 2 */
    zoneCount?: number;
}

/**
 * A private network for VM workers: a VPC with one private subnet per availability zone and no
 * internet gateway. Workers reach AWS through endpoints only: S3 and DynamoDB gateway endpoints
 * (code download, OS packages, datastore) and an SQS interface endpoint with private DNS, in zones
 * that offer it.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly subnetIds: pulumi.Output<string>[];

    constructor(name: string, args: NetworkArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:aws:Network", name, {}, opts);
        const { tags } = placement(args, "network");
        const cidrBlock = args.cidrBlock ?? "10.42.0.0/16";
        const zoneCount = args.zoneCount ?? 2;
        const parent = { parent: this };
        const region = aws.getRegionOutput({}, parent).region;
        // Subnets go only in zones that offer the SQS interface endpoint: not every zone of every
        // region does, and an endpoint cannot be placed in a subnet of a zone without it.
        // https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
        const available = aws.getAvailabilityZonesOutput({ state: "available" }, parent).names;
        const offered = aws.ec2.getVpcEndpointServiceOutput({ service: "sqs", serviceType: "Interface" }, parent).availabilityZones;
        const zones = pulumi.all([available, offered]).apply(([names, withEndpoint]) => {
            const usable = names.filter((zone) => withEndpoint.includes(zone));
            if (usable.length < zoneCount) {
                throw new Error(`network: only ${usable.length} zone(s) here offer the SQS interface endpoint (${usable.join(", ") || "none"}), ${zoneCount} needed. Lower zoneCount, or pass existing subnets in spec network.subnetIds.`);
            }
            return usable;
        });

        const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock, enableDnsHostnames: true, enableDnsSupport: true, tags }, parent);
        const routeTable = new aws.ec2.RouteTable(`${name}-private-routes`, { vpcId: vpc.id, tags }, parent);
        const subnets = Array.from({ length: zoneCount }, (_, i) => {
            const subnet = new aws.ec2.Subnet(
                `${name}-private-${i}`,
                {
                    vpcId: vpc.id,
                    availabilityZone: zones[i],
                    cidrBlock: subnetCidr(cidrBlock, i),
                    mapPublicIpOnLaunch: false,
                    tags,
                },
                parent,
            );
            new aws.ec2.RouteTableAssociation(`${name}-private-${i}-routes`, { subnetId: subnet.id, routeTableId: routeTable.id }, parent);
            return subnet;
        });

        for (const service of ["s3", "dynamodb"]) {
            new aws.ec2.VpcEndpoint(
                `${name}-${service}-endpoint`,
                { vpcId: vpc.id, serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`, vpcEndpointType: "Gateway", routeTableIds: [routeTable.id], tags },
                parent,
            );
        }
        const endpointAccess = new aws.ec2.SecurityGroup(
            `${name}-endpoints`,
            {
                vpcId: vpc.id,
                description: "HTTPS from inside the VPC to AWS interface endpoints",
                ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [cidrBlock], description: "HTTPS from the VPC" }],
                tags,
            },
            parent,
        );
        new aws.ec2.VpcEndpoint(
            `${name}-sqs-endpoint`,
            {
                vpcId: vpc.id,
                serviceName: pulumi.interpolate`com.amazonaws.${region}.sqs`,
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: subnets.map((s) => s.id),
                securityGroupIds: [endpointAccess.id],
                tags,
            },
            parent,
        );
        this.vpcId = vpc.id;
        this.subnetIds = subnets.map((s) => s.id);
        this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds });
    }
}

/** The i-th /20 inside a /16 (10.42.0.0/16 -> 10.42.0.0/20, 10.42.16.0/20, ...). */
export function subnetCidr(vpcCidr: string, index: number): string {
    const [address, bits] = vpcCidr.split("/");
    if (bits !== "16") throw new Error(`network: cidrBlock must be a /16 (got ${vpcCidr}). Use e.g. 10.42.0.0/16.`);
    const [a, b] = address.split(".");
    return `${a}.${b}.${index * 16}.0/20`;
}

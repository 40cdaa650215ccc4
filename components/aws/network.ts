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
 * The interface endpoints VM workers need in a network without an internet path: SQS (the queue),
 * CloudWatch Logs (the worker's log shipper), and Systems Manager's `ssm` and `ssmmessages` for
 * Session Manager. `ec2messages` is left out: SSM Agent 3.3.40.0 and later (Amazon Linux 2023's)
 * use `ssmmessages` instead whenever it is reachable
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html).
 */
export const interfaceEndpointServices = ["sqs", "logs", "ssm", "ssmmessages"] as const;

/**
 * A private network for VM workers: a VPC with one private subnet per availability zone and no
 * internet gateway. Workers reach AWS through endpoints only: S3 and DynamoDB gateway endpoints
 * (code download, OS packages, datastore) and interface endpoints with private DNS for SQS,
 * CloudWatch Logs and Session Manager (interfaceEndpointServices), in zones that offer them all.
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
        // Subnets go only in zones that offer every interface endpoint: not every zone of every
        // region does, and an endpoint cannot be placed in a subnet of a zone without it.
        // https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
        const available = aws.getAvailabilityZonesOutput({ state: "available" }, parent).names;
        const offered = interfaceEndpointServices.map((service) => aws.ec2.getVpcEndpointServiceOutput({ service, serviceType: "Interface" }, parent).availabilityZones);
        const zones = pulumi.all([available, pulumi.all(offered)]).apply(([names, perService]) => {
            const usable = names.filter((zone) => perService.every((withEndpoint) => withEndpoint.includes(zone)));
            if (usable.length < zoneCount) {
                throw new Error(
                    `network: only ${usable.length} zone(s) here offer every interface endpoint (${interfaceEndpointServices.join(", ")}): ${usable.join(", ") || "none"}; ${zoneCount} needed. ` +
                        "Lower zoneCount, or pass existing subnets in spec network.subnetIds.",
                );
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
        for (const service of interfaceEndpointServices) {
            new aws.ec2.VpcEndpoint(
                `${name}-${service}-endpoint`,
                {
                    vpcId: vpc.id,
                    serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: subnets.map((s) => s.id),
                    securityGroupIds: [endpointAccess.id],
                    tags,
                },
                parent,
            );
        }
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

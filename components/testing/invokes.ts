import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { MockCallArgs } from "@pulumi/pulumi/runtime";
import { parse } from "yaml";
import { policyDocumentJson } from "./policy-document";

/** Answers a provider function (an invoke such as `aws.getCallerIdentity()`) in an offline run. */
export type InvokeAnswer = (args: MockCallArgs) => Record<string, unknown>;

/** Stand-in identity of offline runs: never a real account, subscription or project. */
export const offlineIdentity = {
    awsAccount: "123456789012",
    azureSubscription: "00000000-0000-0000-0000-000000000000",
    azureTenant: "11111111-1111-1111-1111-111111111111",
    gcpProject: "demo-project",
    gcpProjectNumber: "123456789012",
} as const;

/**
 * Answers for the provider functions ordinary programs call to learn where they run, shaped like
 * the providers' results. Region, location and project follow the stack config when it sets them
 * (`aws:region`, `gcp:project`, `gcp:region`, `azure-native:location`).
 */
export function defaultInvokeAnswers(config: Record<string, unknown> = {}): Record<string, InvokeAnswer> {
    const region = String(config["aws:region"] ?? "eu-west-1");
    const zones = ["a", "b", "c"].map((z) => `${region}${z}`);
    const account = offlineIdentity.awsAccount;
    const project = String(config["gcp:project"] ?? offlineIdentity.gcpProject);
    const gcpRegion = String(config["gcp:region"] ?? "europe-west1");
    const azure = {
        subscriptionId: offlineIdentity.azureSubscription,
        tenantId: offlineIdentity.azureTenant,
        objectId: "22222222-2222-2222-2222-222222222222",
        clientId: "33333333-3333-3333-3333-333333333333",
    };
    const gcpProject = () => ({ id: `projects/${project}`, number: offlineIdentity.gcpProjectNumber, projectId: project, name: project });
    return {
        "aws:index/getCallerIdentity:getCallerIdentity": () => ({ id: account, accountId: account, arn: `arn:aws:iam::${account}:user/offline`, userId: "AIDAOFFLINE" }),
        "aws:index/getRegion:getRegion": () => ({ id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region }),
        "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
        "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({ id: region, names: zones, zoneIds: zones.map((_, i) => `${region.replace(/-/g, "").slice(0, 4)}-az${i + 1}`), groupNames: [region] }),
        "aws:ec2/getVpcEndpointService:getVpcEndpointService": (args) => ({ serviceType: args.inputs.serviceType, availabilityZones: zones, serviceName: `com.amazonaws.${region}.${args.inputs.service}` }),
        "aws:iam/getPolicyDocument:getPolicyDocument": (args) => ({ id: "offline-policy-document", json: policyDocumentJson(args.inputs), minifiedJson: JSON.stringify(JSON.parse(policyDocumentJson(args.inputs))) }),
        "aws:ec2/getVpc:getVpc": () => ({ id: "vpc-0offline", arn: `arn:aws:ec2:${region}:${account}:vpc/vpc-0offline`, cidrBlock: "172.31.0.0/16", default: true }),
        "aws:ec2/getSubnets:getSubnets": () => ({ id: region, ids: zones.map((_, i) => `subnet-0offline${i + 1}`) }),
        "aws:ec2/getAmi:getAmi": () => ({ id: "ami-0offline", arn: `arn:aws:ec2:${region}::image/ami-0offline`, architecture: "x86_64", name: "offline-image" }),
        "gcp:organizations/getProject:getProject": gcpProject,
        "gcp:projects/getProject:getProject": () => ({ id: project, projects: [{ projectId: project, number: offlineIdentity.gcpProjectNumber, name: project }] }),
        "gcp:organizations/getClientConfig:getClientConfig": () => ({ id: project, project, region: gcpRegion, zone: `${gcpRegion}-b`, accessToken: "offline-token" }),
        "azure-native:authorization:getClientConfig": () => azure,
        "azure-native:authorization/getClientConfig:getClientConfig": () => azure,
        "azure:core/getClientConfig:getClientConfig": () => ({ id: azure.clientId, ...azure }),
        "azuread:index/getClientConfig:getClientConfig": () => ({ id: azure.clientId, ...azure }),
    };
}

/** Error for people: a provider function the offline run has no answer for. */
export class UnansweredInvokeError extends Error {
    override name = "UnansweredInvokeError";
    constructor(readonly token: string, inputs: Record<string, unknown>) {
        const fields = resultFields(token);
        super(
            `offline run: the program calls the provider function ${token} (inputs ${JSON.stringify(inputs)}), which has no offline answer. ` +
                (fields.length ? `Its result has the fields ${fields.join(", ")}: give the ones the program reads` : "Give the fields of its result that the program reads") +
                ` in an answers file passed with --answers <file> (JSON or YAML: {"${token}": {"${fields.includes("value") ? "value" : (fields[0] ?? "<field>")}": "<what the provider returns>"}}), or in runOffline's calls option.`,
        );
    }
}

/**
 * The fields of a provider function's result, read from its SDK's declarations
 * (`@pulumi/aws/ssm/getParameter.d.ts`, interface GetParameterResult). Empty when not installed.
 */
export function resultFields(token: string): string[] {
    const [pkg, module, fn] = token.split(":");
    const dir = module.split("/")[0] === "index" ? "" : module.split("/")[0];
    try {
        const root = path.dirname(require.resolve(`@pulumi/${pkg}/package.json`, { paths: [process.cwd(), __dirname] }));
        const source = readFileSync(path.join(root, dir, `${fn}.d.ts`), "utf8");
        const body = new RegExp(`export interface ${fn[0].toUpperCase()}${fn.slice(1)}Result \\{([\\s\\S]*?)\\n\\}`).exec(source)?.[1] ?? "";
        return [...body.matchAll(/^\s*readonly (\w+)\??:/gm)].map((m) => m[1]).sort();
    } catch {
        return [];
    }
}

/** Error for people: an answers file that cannot be used. */
export class InvokeAnswersError extends Error {
    override name = "InvokeAnswersError";
}

/**
 * Reads an answers file: a JSON or YAML mapping of provider function tokens to the result each
 * returns, e.g. `{"aws:ec2/getAmi:getAmi": {"id": "ami-0abc"}}`. A result is returned as written,
 * whatever the inputs.
 */
export function readInvokeAnswers(file: string): Record<string, InvokeAnswer> {
    let document: unknown;
    try {
        document = parse(readFileSync(file, "utf8"));
    } catch (error) {
        throw new InvokeAnswersError(`answers file ${file} is not readable JSON or YAML: ${(error as Error).message}. Write a mapping like {"aws:ec2/getAmi:getAmi": {"id": "ami-0abc"}}.`);
    }
    if (document === null || typeof document !== "object" || Array.isArray(document)) {
        throw new InvokeAnswersError(`answers file ${file} must map provider function tokens to results (got ${JSON.stringify(document)}). Write a mapping like {"aws:ec2/getAmi:getAmi": {"id": "ami-0abc"}}.`);
    }
    const answers: Record<string, InvokeAnswer> = {};
    for (const [token, result] of Object.entries(document)) {
        if (!/^[\w.-]+:[\w./-]*:\w+$/.test(token) || result === null || typeof result !== "object" || Array.isArray(result)) {
            throw new InvokeAnswersError(`answers file ${file}: "${token}" must be a provider function token (package:module:function) mapped to a result object (got ${JSON.stringify(result)}).`);
        }
        answers[token] = () => ({ ...(result as Record<string, unknown>) });
    }
    return answers;
}

import { AwsWebQueueWorker } from "../../components/aws/stack";
import { AzureWebQueueWorker } from "../../components/azure";
import { type GcpCodeSource, GcpWebQueueWorker } from "../../components/gcp";
import type { SpecInput } from "../../components/spec";
import { type PlannedResource, runOffline } from "../../components/testing/offline";
import { ofType } from "../helpers/resources";
import { fixedCode, settingsOf } from "../azure/fixtures";
import { runGcp } from "../gcp/offline-gcp";

export type Cloud = "aws" | "azure" | "gcp";

/** Stand-in GCP bundles: these plans check environments, not code. */
const gcpCode: GcpCodeSource = { pushWorker: (m) => `// push worker for ${m}`, frontEnd: () => "// front end", vmPoller: (m) => `// poller for ${m}` };

/** Plans the cloud's whole stack for `spec` offline (stack `dev` on aws and azure, `test` on gcp). */
export async function planStack(cloud: Cloud, spec: SpecInput): Promise<PlannedResource[]> {
    if (cloud === "aws") return (await runOffline(() => new AwsWebQueueWorker(spec.name, { spec }), { stack: "dev", config: { "aws:region": "eu-west-1" } })).resources;
    if (cloud === "azure") return (await runOffline(() => new AzureWebQueueWorker(spec.name, { spec, code: fixedCode }), { stack: "dev", config: { "azure-native:location": "westeurope" } })).resources;
    return (await runGcp(() => new GcpWebQueueWorker(spec.name, { spec, code: gcpCode }))).resources;
}

/**
 * The environment of every function the plan holds (front end and function workers), by the
 * name the cloud knows it by: Lambda `name`, the Function App site's resource name, Cloud Function `name`.
 */
export function functionEnvironments(cloud: Cloud, resources: PlannedResource[]): Record<string, Record<string, string>> {
    if (cloud === "aws") {
        return Object.fromEntries(ofType(resources, "aws:lambda/function:Function").map((fn) => [fn.inputs.name as string, (fn.inputs.environment as { variables: Record<string, string> }).variables]));
    }
    if (cloud === "azure") return Object.fromEntries(ofType(resources, "azure-native:web:WebApp").map((site) => [site.name, settingsOf(resources, site)]));
    return Object.fromEntries(ofType(resources, "gcp:cloudfunctionsv2/function:Function").map((fn) => [fn.inputs.name as string, (fn.inputs as { serviceConfig: { environmentVariables: Record<string, string> } }).serviceConfig.environmentVariables]));
}

/** The boot script of the plan's one VM worker (AWS launch template user data, Azure scale set custom data, GCP startup script). */
export function vmBootScript(cloud: Cloud, resources: PlannedResource[]): string {
    const only = (type: string) => {
        const found = ofType(resources, type);
        if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
        return found[0]!.inputs as any;
    };
    if (cloud === "aws") return Buffer.from(only("aws:ec2/launchTemplate:LaunchTemplate").userData as string, "base64").toString();
    if (cloud === "azure") return Buffer.from(only("azure-native:compute:VirtualMachineScaleSet").virtualMachineProfile.osProfile.customData as string, "base64").toString();
    return only("gcp:compute/instanceTemplate:InstanceTemplate").metadata["startup-script"] as string;
}

/**
 * QUEUESTACK_MAX_RECEIVE_COUNT as the cloud's stack plans it for a function worker of a queue that
 * dead-letters after `maxReceiveCount` deliveries: what the span-tree suites give their workers, so
 * the `dead_letter` settle span they assert follows from the plan, not from a value the test sets.
 */
export async function plannedMaxReceiveCount(cloud: Cloud, maxReceiveCount: number): Promise<string> {
    const spec = { name: "traced", queues: [{ name: "traced", maxReceiveCount }], workers: [{ name: "worker", queue: "traced", kind: "function" as const }] };
    const environments = Object.entries(functionEnvironments(cloud, await planStack(cloud, spec))).filter(([name]) => name.includes("worker"));
    if (environments.length !== 1) throw new Error(`expected one planned function worker on ${cloud}, found ${environments.map(([name]) => name).join(", ") || "none"}`);
    const value = environments[0]![1].QUEUESTACK_MAX_RECEIVE_COUNT;
    if (value === undefined) throw new Error(`the ${cloud} plan sets no QUEUESTACK_MAX_RECEIVE_COUNT on ${environments[0]![0]}`);
    return value;
}

import * as compute from "@pulumi/azure-native/compute";
import * as monitor from "@pulumi/azure-native/monitor";
import * as storage from "@pulumi/azure-native/storage";
import type * as inputs from "@pulumi/azure-native/types/input";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { deployedRuntimes } from "../runtimes";
import { type WorkerSpec, type WorkerSpecInput, parseSpecPart, workerSchema } from "../spec";
import { workerPaths, workerServiceScript } from "../vm/worker-service";
import { type AzurePlacement, placement } from "./context";
import { grantContainerAccess } from "./cosmos-access";
import { azureNames } from "./names";
import { grantLargeMessageAccess, type LargeMessageContainerRef } from "./large-messages";
import { grantRole, principalIdOf } from "./roles";
import { unusableSshPublicKey } from "./ssh-key";
import { privateBlobStore } from "./storage";
import { type CosmosContainerRef, type ServiceBusQueueRef, workerSettings } from "./worker-settings";

/** Spec instance size -> Azure VM size. */
export const azureVmSizes = { small: "Standard_B1ms", medium: "Standard_B2s", large: "Standard_B2ms" } as const;

/** Node.js major version installed on instances, from the dated runtime table (components/runtimes.ts). */
export const vmNodeMajor = deployedRuntimes.vm.nodeMajor;

/**
 * Installs the newest release of Node.js `major` from nodejs.org, checked against the release's
 * published SHA-256 sums (https://nodejs.org/dist/latest-v24.x/SHASUMS256.txt lists the archives).
 */
export function installNodeMajor(major: number): string {
    const dist = `https://nodejs.org/dist/latest-v${major}.x`;
    return [
        "cd /tmp",
        `curl -fsSL --retry 5 -o SHASUMS256.txt ${dist}/SHASUMS256.txt`,
        "archive=$(grep -oE 'node-v[0-9.]+-linux-x64\\.tar\\.xz$' SHASUMS256.txt)",
        `curl -fsSL --retry 5 -o "$archive" "${dist}/$archive"`,
        'grep " $archive$" SHASUMS256.txt | sha256sum -c -',
        'tar -xJf "$archive" -C /usr/local --strip-components=1 && rm -f "$archive" SHASUMS256.txt',
        "cd /",
    ].join("\n");
}

/** `worker-<sha256 prefix>.js`: the bundle's blob name, so a code change changes the scale set model. */
export function bundleBlobName(code: string): string {
    return `worker-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.js`;
}

/** Ubuntu 24.04 LTS, Gen2 (Trusted Launch). */
const image = { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" };

export interface VmWorkerArgs extends AzurePlacement {
    /** The worker's spec (`kind: vm`; validated, defaults applied). */
    worker: WorkerSpecInput | WorkerSpec;
    /** The queue it consumes, with its namespace (the autoscale metric's resource). */
    queue: ServiceBusQueueRef & { namespaceId: pulumi.Input<string> };
    /** The Cosmos DB container for results and idempotency records (Datastore outputs). */
    datastore: CosmosContainerRef;
    /** Longest one message may take, seconds. @default the worker's timeoutSeconds, else the queue's lock duration */
    timeoutSeconds?: number;
    /** Days results are kept (spec `datastore.ttlDays`). @default 30 */
    resultTtlDays?: number;
    /** Private subnet of the instances (WorkerNetwork, or spec `network.subnetIds[0]`). */
    subnetId: pulumi.Input<string>;
    /** The bundled receiver script (see AzureCodeSource.vmReceiver). */
    code: pulumi.Input<string>;
    /** Makes the code storage account name unique across Azure (e.g. the resource group id). */
    uniqueScope: pulumi.Input<string>;
    /** Subscription of the built-in role definitions. */
    subscription: pulumi.Input<string>;
    /** The claim-check container (LargeMessageStore outputs), read with Storage Blob Data Reader. @default none */
    largeMessages?: LargeMessageContainerRef;
}

/**
 * VM workers: a scale set of Linux instances with no public IP, no password login, a
 * system-assigned identity (receive on its one queue, read/write its one container, read its own
 * code blob), a boot script that runs the receiver as a service, and autoscale on the queue's
 * ActiveMessages per instance, down to `scaling.min` (0 allowed). With priority levels the
 * receiver takes from every level queue by weight and promotes waiting messages, so it may receive
 * from each level and send to every level but the lowest.
 */
export class VmWorker extends pulumi.ComponentResource {
    readonly spec: WorkerSpec;
    readonly scaleSet: compute.VirtualMachineScaleSet;
    readonly scaleSetId: pulumi.Output<string>;
    readonly principalId: pulumi.Output<string>;

    constructor(name: string, args: VmWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        const spec = parseSpecPart(workerSchema, args.worker, `worker "${name}"`);
        super("queuestack:azure:VmWorker", name, {}, opts);
        this.spec = spec;
        const at = placement(args, `worker-${spec.name}`);
        const parent = { parent: this };
        const timeoutSeconds = args.timeoutSeconds ?? spec.timeoutSeconds ?? args.queue.lockDurationSeconds;

        const { account, container, containerUrl } = privateBlobStore(`${name}-code`, at, { uniqueScope: args.uniqueScope, nameParts: ["code", spec.name], containerName: "worker" }, this);
        const blob = new storage.Blob(`${name}-bundle`, {
            accountName: account.name,
            containerName: container.name,
            resourceGroupName: at.resourceGroupName,
            // Named by content: new code is a new blob and a new boot script, so the scale set
            // model changes and instances are upgraded onto it (the old blob goes after the update).
            blobName: pulumi.output(args.code).apply(bundleBlobName),
            contentType: "application/javascript",
            source: pulumi.output(args.code).apply((code) => new pulumi.asset.StringAsset(code)),
        }, parent);
        const blobUrl = pulumi.interpolate`${containerUrl}/${blob.name}`;

        const environment = pulumi
            .output(workerSettings({
                worker: spec, queue: args.queue, datastore: args.datastore, timeoutSeconds, resultTtlDays: args.resultTtlDays ?? 30, largeMessagesUrl: args.largeMessages?.containerUrl,
            }))
            .apply((env) => env as Record<string, string>);
        const bootScript = pulumi.all([environment, blobUrl]).apply(([env, url]) =>
            workerServiceScript({
                installNode: installNodeMajor(vmNodeMajor),
                fetchBundle: fetchWithManagedIdentity(url, workerPaths.bundle),
                environment: env,
                stopTimeoutSeconds: timeoutSeconds + 30,
            }),
        );

        this.scaleSet = new compute.VirtualMachineScaleSet(`${name}-scale-set`, {
            vmScaleSetName: at.name(azureNames.virtualMachineScaleSet, "worker", spec.name),
            resourceGroupName: at.resourceGroupName,
            location: at.location,
            sku: { name: azureVmSizes[spec.instanceSize], tier: "Standard", capacity: spec.scaling.min },
            orchestrationMode: "Uniform",
            overprovision: false,
            upgradePolicy: { mode: "Automatic" },
            identity: { type: "SystemAssigned" },
            virtualMachineProfile: {
                osProfile: {
                    computerNamePrefix: at.name(azureNames.computerNamePrefix, spec.name),
                    adminUsername: "queuestack",
                    customData: bootScript.apply((script) => Buffer.from(script).toString("base64")),
                    linuxConfiguration: {
                        disablePasswordAuthentication: true,
                        provisionVMAgent: true,
                        ssh: { publicKeys: [{ path: "/home/queuestack/.ssh/authorized_keys", keyData: unusableSshPublicKey() }] },
                    },
                },
                storageProfile: {
                    imageReference: image,
                    // No deleteOption (here or on the NIC): in Uniform orchestration an instance's OS disk and
                    // NIC belong to the instance and go with it; deleteOption is the Flexible / single-VM
                    // setting ("Delete a VM and its attached resources"), so it is left out rather than risk
                    // a request ARM refuses for Uniform.
                    osDisk: { createOption: "FromImage", caching: "ReadWrite", managedDisk: { storageAccountType: "StandardSSD_LRS" } },
                },
                // Trusted Launch: kept. The sizes used (azureVmSizes, B-series v1) run Gen2 images, and
                // Microsoft's "Trusted launch for Azure virtual machines" size list includes the B-series;
                // not confirmed against a subscription here (see docs/azure.md).
                securityProfile: { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } },
                // Scale-in safety: a deleted instance first gets a Terminate scheduled event and is
                // kept until notBeforeTimeout or until it approves the event; the receiver drains
                // on the event and approves once drained (workers/azure/scheduled-events.ts;
                // "Terminate notification for Azure Virtual Machine Scale Set instances").
                scheduledEventsProfile: { terminateNotificationProfile: { enable: true, notBeforeTimeout: terminateNotBefore(timeoutSeconds) } },
                networkProfile: {
                    networkInterfaceConfigurations: [{
                        name: "worker-nic",
                        primary: true,
                        ipConfigurations: [{ name: "private", primary: true, subnet: { id: args.subnetId } }],
                    }],
                },
            },
            tags: { ...at.tags, QUEUESTACK_IDEMPOTENCY_STORE: args.datastore.containerName },
        }, {
            parent: this,
            // Autoscale owns the instance count; the generated SSH key changes on every run but grants nothing.
            ignoreChanges: ["sku.capacity", "virtualMachineProfile.osProfile.linuxConfiguration.ssh"],
        });
        this.scaleSetId = this.scaleSet.id;
        this.principalId = principalIdOf(this.scaleSet.identity);
        const grant = { principalId: this.principalId, subscription: args.subscription };
        const levels = args.queue.levels;
        if (levels) {
            levels.forEach((l) => grantRole(`${name}-receive-${l.level}`, { ...grant, role: "serviceBusDataReceiver", scope: l.queueId }, parent));
            // Promotion sends a waiting message to the level above: every level but the lowest receives sends.
            levels.slice(0, -1).forEach((l) => grantRole(`${name}-promote-to-${l.level}`, { ...grant, role: "serviceBusDataSender", scope: l.queueId }, parent));
        } else {
            grantRole(`${name}-receive`, { ...grant, role: "serviceBusDataReceiver", scope: args.queue.queueId }, parent);
        }
        if (args.largeMessages) grantLargeMessageAccess(`${name}-read-large-messages`, { ...grant, store: args.largeMessages, access: "read" }, parent);
        grantRole(`${name}-read-code`, { ...grant, role: "storageBlobDataReader", scope: container.id }, parent);
        grantContainerAccess(`${name}-results`, { principalId: this.principalId, datastore: args.datastore, resourceGroupName: at.resourceGroupName }, parent);

        new monitor.AutoscaleSetting(`${name}-autoscale`, {
            autoscaleSettingName: at.name(azureNames.monitorRule, "worker", spec.name, "autoscale"),
            resourceGroupName: at.resourceGroupName,
            location: at.location,
            enabled: true,
            targetResourceUri: this.scaleSet.id,
            profiles: [backlogScalingProfile(spec, args.queue.namespaceId, levels ? levels.map((l) => l.queueName) : [args.queue.queueName])],
            tags: at.tags,
        }, parent);

        this.registerOutputs({ scaleSetId: this.scaleSetId, principalId: this.principalId });
    }
}

/**
 * How long a scale-in waits for the instance to drain (notBeforeTimeout, ISO 8601 minutes): the
 * drain (worker timeout + 5 s) plus the notice poll and a receive wait (10 s), rounded up to
 * whole minutes, within the 5 to 15 minutes Azure accepts. A worker timeout over about 14.5
 * minutes gets 15: attempts still running then are returned to the queue by the SIGTERM drain.
 */
export function terminateNotBefore(timeoutSeconds: number): string {
    return `PT${Math.min(15, Math.max(5, Math.ceil((timeoutSeconds + 15) / 60)))}M`;
}

/** Shell that downloads a blob with the instance's managed identity, retrying until its role assignment is live. */
export function fetchWithManagedIdentity(blobUrl: string, target: string): string {
    const tokenUrl = "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fstorage.azure.com%2F";
    return [
        "for attempt in $(seq 1 60); do",
        `  token=$(curl -fsS -H Metadata:true '${tokenUrl}' | sed -E 's/.*"access_token":"([^"]+)".*/\\1/') &&`,
        `  curl -fsS -H "Authorization: Bearer $token" -H 'x-ms-version: 2021-08-06' -o ${target} '${blobUrl}' && break`,
        "  sleep 10",
        "done",
        `test -s ${target}`,
    ].join("\n");
}

/**
 * Autoscale on backlog per instance: add an instance while ActiveMessages / instances exceeds
 * `backlogPerWorker`, start one from zero as soon as a message waits, and remove instances only
 * once the queue has been empty for 10 minutes. With priority levels the backlog is the sum over
 * the level queues (`queueNames`, one `EntityName` value each).
 */
export function backlogScalingProfile(
    spec: WorkerSpec,
    namespaceId: pulumi.Input<string>,
    queueNames: pulumi.Input<string>[],
): inputs.monitor.AutoscaleProfileArgs {
    const activeMessages = (dividePerInstance: boolean, statistic: "Average" | "Max", timeWindow: string) => ({
        metricName: "ActiveMessages",
        metricNamespace: "Microsoft.ServiceBus/namespaces",
        metricResourceUri: namespaceId,
        dimensions: [{ dimensionName: "EntityName", operator: "Equals", values: queueNames }],
        dividePerInstance,
        statistic,
        timeAggregation: statistic === "Max" ? "Maximum" as const : "Average" as const,
        timeGrain: "PT1M",
        timeWindow,
    });
    return {
        name: "backlog-per-instance",
        capacity: { minimum: String(spec.scaling.min), maximum: String(spec.scaling.max), default: String(spec.scaling.min) },
        rules: [
            {
                metricTrigger: { ...activeMessages(true, "Average", "PT5M"), operator: "GreaterThan", threshold: spec.scaling.backlogPerWorker },
                scaleAction: { direction: "Increase", type: "ChangeCount", value: "1", cooldown: "PT3M" },
            },
            {
                // From zero: any waiting message asks for exactly one instance. Scale-out runs when any
                // rule is met; this rule is meant to start the first instance only. Whether Azure
                // applies an ExactCount below the current count when several instances run is not
                // settled here (docs/azure.md, "Checked and settled"); the backlog rule above and the
                // scale-in rule below, which needs an empty queue for 10 minutes, govern beyond one.
                metricTrigger: { ...activeMessages(false, "Max", "PT2M"), operator: "GreaterThan", threshold: 0 },
                scaleAction: { direction: "Increase", type: "ExactCount", value: "1", cooldown: "PT3M" },
            },
            {
                metricTrigger: { ...activeMessages(false, "Max", "PT10M"), operator: "LessThanOrEqual", threshold: 0 },
                scaleAction: { direction: "Decrease", type: "ChangeCount", value: "1", cooldown: "PT5M" },
            },
        ],
    };
}

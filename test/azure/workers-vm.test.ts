import { strict as assert } from "node:assert";
import { WorkerNetwork } from "../../components/azure/network";
import { builtInRoles, cosmosDataContributorRole } from "../../components/azure/roles";
import { bundleBlobName, terminateNotBefore, VmWorker } from "../../components/azure/workers-vm";
import { deployedRuntimes } from "../../components/runtimes";
import { runOffline } from "../../components/testing/offline";
import { ofType, one } from "../helpers/resources";
import { datastoreRef, fixedCode, global, mockedIdOf, namespaceId, queueId, queueRef, roleId, secretPattern, where } from "./fixtures";

const subnetId = "/subscriptions/0/resourceGroups/shop-dev/providers/Microsoft.Network/virtualNetworks/vnet/subnets/workers";

const plan = () =>
    runOffline(() =>
        new VmWorker("crawl", {
            ...where,
            ...global,
            worker: { name: "crawl", queue: "jobs", kind: "vm", instanceSize: "medium", scaling: { min: 0, max: 8, backlogPerWorker: 50 } },
            queue: queueRef,
            datastore: datastoreRef,
            timeoutSeconds: 600,
            subnetId,
            code: fixedCode.vmReceiver("workers/example"),
        }),
    );

type ScaleSetInputs = {
    sku: unknown;
    identity: unknown;
    virtualMachineProfile: {
        osProfile: { adminPassword?: string; customData: string; linuxConfiguration: { disablePasswordAuthentication: boolean; ssh: { publicKeys: { keyData: string }[] } } };
        networkProfile: { networkInterfaceConfigurations: { ipConfigurations: Record<string, unknown>[] }[] };
        securityProfile: unknown;
        scheduledEventsProfile: unknown;
    };
};

describe("azure VmWorker", () => {
    it("runs a scale set with a managed identity, no public IP and no password login", async () => {
        const { resources } = await plan();
        const scaleSet = one(resources, "azure-native:compute:VirtualMachineScaleSet");
        assert.equal(scaleSet.parentType, "queuestack:azure:VmWorker");
        const inputs = scaleSet.inputs as unknown as ScaleSetInputs;
        assert.deepEqual(inputs.sku, { name: "Standard_B2s", tier: "Standard", capacity: 0 });
        assert.deepEqual(inputs.identity, { type: "SystemAssigned" });
        assert.deepEqual(scaleSet.inputs.tags, { "queuestack:role": "worker-crawl", QUEUESTACK_IDEMPOTENCY_STORE: "shop-dev-results" });
        const os = inputs.virtualMachineProfile.osProfile;
        assert.equal(os.linuxConfiguration.disablePasswordAuthentication, true);
        assert.equal("adminPassword" in os, false);
        assert.match(os.linuxConfiguration.ssh.publicKeys[0].keyData, /^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+ queuestack-no-login$/);
        const nics = inputs.virtualMachineProfile.networkProfile.networkInterfaceConfigurations;
        assert.deepEqual(nics.map((n) => n.ipConfigurations), [[{ name: "private", primary: true, subnet: { id: subnetId } }]]);
        assert.equal(JSON.stringify(inputs).includes("publicIPAddressConfiguration"), false);
        assert.deepEqual(inputs.virtualMachineProfile.securityProfile, { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } });
        // Uniform: disks and NICs belong to the instance; deleteOption (a Flexible / single-VM setting) is not sent.
        assert.equal(scaleSet.inputs.orchestrationMode, "Uniform");
        assert.equal(JSON.stringify(inputs).includes("deleteOption"), false);
    });

    it("gives a deleted instance a Terminate notice long enough to drain: worker timeout + 15 s, in minutes, 5 to 15 (issue 14, item 11)", async () => {
        const { resources } = await plan();
        const inputs = one(resources, "azure-native:compute:VirtualMachineScaleSet").inputs as unknown as ScaleSetInputs;
        // 600 s timeout: 615 s -> 11 minutes.
        assert.deepEqual(inputs.virtualMachineProfile.scheduledEventsProfile, { terminateNotificationProfile: { enable: true, notBeforeTimeout: "PT11M" } });
        assert.deepEqual([30, 285, 286, 600, 885, 886, 3600].map(terminateNotBefore), ["PT5M", "PT5M", "PT6M", "PT11M", "PT15M", "PT15M", "PT15M"]);
    });

    it("boots into the receiver as a service, fetching its code with the managed identity", async () => {
        const { resources } = await plan();
        const inputs = one(resources, "azure-native:compute:VirtualMachineScaleSet").inputs as unknown as ScaleSetInputs;
        const script = Buffer.from(inputs.virtualMachineProfile.osProfile.customData, "base64").toString();
        assert.match(script, /^#!\/bin\/bash\nset -euo pipefail\n/);
        // Node.js from the runtime table, checked against the release's SHA-256 sums.
        assert.equal(deployedRuntimes.vm.nodeMajor, 24);
        assert.match(script, /curl -fsSL --retry 5 -o SHASUMS256\.txt https:\/\/nodejs\.org\/dist\/latest-v24\.x\/SHASUMS256\.txt\n/);
        assert.match(script, /\ngrep " \$archive\$" SHASUMS256\.txt \| sha256sum -c -\n/);
        assert.doesNotMatch(script, /v20\./);
        assert.match(script, /169\.254\.169\.254\/metadata\/identity\/oauth2\/token\?api-version=2018-02-01&resource=https%3A%2F%2Fstorage\.azure\.com%2F/);
        assert.match(script, /-o \/opt\/queuestack\/worker\.js 'https:\/\/shopdevcodecrawl[0-9a-f]+\.blob\.core\.windows\.net\/worker\/worker-[0-9a-f]{16}\.js'/);
        assert.match(script, /QUEUESTACK_QUEUE_NAME="shop-dev-jobs"\n/);
        assert.match(script, /QUEUESTACK_IDEMPOTENCY_STORE="shop-dev-results"\n/);
        assert.match(script, /QUEUESTACK_WORKER_TIMEOUT_SECONDS="600"\n/);
        assert.match(script, /TimeoutStopSec=630\n/);
        assert.match(script, /systemctl enable --now queuestack-worker\.service/);
        assert.doesNotMatch(script, secretPattern);
        const blob = one(resources, "azure-native:storage:Blob");
        assert.equal(blob.inputs.blobName, bundleBlobName("/* receiver for workers/example */"));
    });

    it("autoscales on ActiveMessages per instance, from zero, and scales in only when the queue is empty", async () => {
        const { resources } = await plan();
        const autoscale = one(resources, "azure-native:monitor:AutoscaleSetting");
        const idOf = await mockedIdOf();
        assert.equal(autoscale.inputs.targetResourceUri, idOf(one(resources, "azure-native:compute:VirtualMachineScaleSet")));
        const [profile] = autoscale.inputs.profiles as { capacity: unknown; rules: { metricTrigger: Record<string, unknown>; scaleAction: unknown }[] }[];
        assert.deepEqual(profile.capacity, { minimum: "0", maximum: "8", default: "0" });
        const trigger = { metricName: "ActiveMessages", metricNamespace: "Microsoft.ServiceBus/namespaces", metricResourceUri: namespaceId, dimensions: [{ dimensionName: "EntityName", operator: "Equals", values: ["shop-dev-jobs"] }], timeGrain: "PT1M" };
        assert.deepEqual(profile.rules, [
            {
                metricTrigger: { ...trigger, dividePerInstance: true, statistic: "Average", timeAggregation: "Average", timeWindow: "PT5M", operator: "GreaterThan", threshold: 50 },
                scaleAction: { direction: "Increase", type: "ChangeCount", value: "1", cooldown: "PT3M" },
            },
            {
                metricTrigger: { ...trigger, dividePerInstance: false, statistic: "Max", timeAggregation: "Maximum", timeWindow: "PT2M", operator: "GreaterThan", threshold: 0 },
                scaleAction: { direction: "Increase", type: "ExactCount", value: "1", cooldown: "PT3M" },
            },
            {
                metricTrigger: { ...trigger, dividePerInstance: false, statistic: "Max", timeAggregation: "Maximum", timeWindow: "PT10M", operator: "LessThanOrEqual", threshold: 0 },
                scaleAction: { direction: "Decrease", type: "ChangeCount", value: "1", cooldown: "PT5M" },
            },
        ]);
    });

    it("may receive from its one queue, read its own code container and write its one Cosmos container", async () => {
        const { resources } = await plan();
        const principal = "principal-crawl-scale-set";
        const containerId = (await mockedIdOf())(one(resources, "azure-native:storage:BlobContainer"));
        const grants = ofType(resources, "azure-native:authorization:RoleAssignment").map((r) => [r.name, r.inputs.roleDefinitionId, r.inputs.scope, r.inputs.principalId]);
        assert.deepEqual(grants.sort(), [
            ["crawl-read-code", roleId(builtInRoles.storageBlobDataReader), containerId, principal],
            ["crawl-receive", roleId(builtInRoles.serviceBusDataReceiver), queueId, principal],
        ]);
        const cosmos = one(resources, "azure-native:cosmosdb:SqlResourceSqlRoleAssignment");
        assert.deepEqual([cosmos.inputs.roleDefinitionId, cosmos.inputs.scope, cosmos.inputs.principalId], [`${datastoreRef.accountId}/sqlRoleDefinitions/${cosmosDataContributorRole}`, datastoreRef.containerScope, principal]);
    });
});

describe("azure WorkerNetwork", () => {
    it("makes a private subnet: no default outbound, NAT for egress, inbound from the internet denied, service endpoints", async () => {
        const { resources } = await runOffline(() => new WorkerNetwork("net", where));
        const idOf = await mockedIdOf();
        const subnet = one(resources, "azure-native:network:Subnet");
        assert.equal(subnet.parentType, "queuestack:azure:WorkerNetwork");
        assert.equal(subnet.inputs.defaultOutboundAccess, false);
        assert.deepEqual(subnet.inputs.natGateway, { id: idOf(one(resources, "azure-native:network:NatGateway")) });
        assert.deepEqual(subnet.inputs.networkSecurityGroup, { id: idOf(one(resources, "azure-native:network:NetworkSecurityGroup")) });
        assert.deepEqual(subnet.inputs.serviceEndpoints, [{ service: "Microsoft.ServiceBus" }, { service: "Microsoft.AzureCosmosDB" }, { service: "Microsoft.Storage" }]);
        const rules = one(resources, "azure-native:network:NetworkSecurityGroup").inputs.securityRules as Record<string, unknown>[];
        assert.deepEqual(rules.map((r) => [r.name, r.direction, r.access, r.sourceAddressPrefix, r.destinationPortRange]), [["deny-internet-inbound", "Inbound", "Deny", "Internet", "*"]]);
        assert.equal(ofType(resources, "azure-native:network:PublicIPAddress").length, 1, "one address, for the NAT gateway only");
    });
});

import { strict as assert } from "node:assert";
import { VmWorker, installNodeScript, nodeVersion, vmNodeRelease } from "../../components/gcp";
import { deployedRuntimes } from "../../components/runtimes";
import { one } from "../helpers/resources";
import { database, databaseCondition } from "./fixtures";
import { runGcp } from "./offline-gcp";

const poller = "console.log('poller');";
const subscription = { subscriptionId: "projects/demo-project/subscriptions/queuestack-test-publish", subscriptionName: "queuestack-test-publish" };
const subnet = "https://www.googleapis.com/compute/v1/projects/demo-project/regions/europe-west1/subnetworks/workers";
const make = () =>
    new VmWorker("publisher", {
        worker: { name: "publisher", queue: "publish", kind: "vm", instanceSize: "medium", concurrency: 4, scaling: { min: 0, max: 6, backlogPerWorker: 50 } },
        queueName: "publish",
        subscription,
        database,
        sourceBucket: "src-bucket",
        subnetworkId: subnet,
        ackDeadlineSeconds: 180,
        timeoutSeconds: 30,
        code: poller,
    });
const email = "queuestack-test-publisher-vm@demo-project.iam.gserviceaccount.com";

describe("gcp VmWorker", () => {
    it("creates an identity, its grants, the code object, an instance template, a regional group and an autoscaler", async () => {
        const { resources } = await runGcp(make);
        assert.deepEqual(
            resources.map((r) => [r.type, r.name, r.parent ?? null]).sort(),
            [
                ["queuestack:gcp:VmWorker", "publisher", null],
                ["gcp:serviceaccount/account:Account", "publisher-identity", "publisher"],
                ["gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember", "publisher-consume", "publisher"],
                ["gcp:projects/iAMMember:IAMMember", "publisher-datastore-access", "publisher"],
                ["gcp:storage/bucketObject:BucketObject", "publisher-code", "publisher"],
                ["gcp:storage/bucketIAMMember:BucketIAMMember", "publisher-read-code", "publisher"],
                ["gcp:compute/instanceTemplate:InstanceTemplate", "publisher-template", "publisher"],
                ["gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", "publisher-group", "publisher"],
                ["gcp:compute/regionAutoscaler:RegionAutoscaler", "publisher-autoscaler", "publisher"],
            ].sort(),
        );
    });

    it("builds instances with no external IP, Shielded VM, OS Login, no project SSH keys and their own service account", async () => {
        const { resources } = await runGcp(make);
        const template = one(resources, "gcp:compute/instanceTemplate:InstanceTemplate").inputs as any;
        assert.equal(template.namePrefix, "queuestack-test-publisher-");
        assert.equal(template.machineType, "e2-medium");
        assert.deepEqual(template.networkInterfaces, [{ subnetwork: subnet }]);
        assert.equal(template.networkInterfaces[0].accessConfigs, undefined);
        assert.deepEqual(template.shieldedInstanceConfig, { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true });
        assert.equal(template.metadata["enable-oslogin"], "TRUE");
        assert.equal(template.metadata["block-project-ssh-keys"], "TRUE");
        assert.equal(template.metadata.QUEUESTACK_IDEMPOTENCY_STORE, "portfolio-test-data", "declares its idempotency store for the stack policies");
        assert.deepEqual(template.serviceAccount, { email, scopes: ["https://www.googleapis.com/auth/cloud-platform"] });
        assert.deepEqual(template.disks, [{ boot: true, autoDelete: true, sourceImage: "debian-cloud/debian-12", diskSizeGb: 10, diskType: "pd-balanced" }]);
    });

    it("starts the worker from its own bundle with the subscription in its environment", async () => {
        const { resources } = await runGcp(make);
        const script: string = (one(resources, "gcp:compute/instanceTemplate:InstanceTemplate").inputs as any).metadata["startup-script"];
        const object = one(resources, "gcp:storage/bucketObject:BucketObject").inputs;
        assert.match(object.name as string, /^workers\/publisher\/[0-9a-f]{16}\.js$/);
        assert.equal((object.content as { value: string }).value, poller); // the provider marks content secret
        assert.ok(script.includes(`gcloud storage cp gs://src-bucket/${object.name} /opt/queuestack/worker.js`), script);
        assert.ok(script.includes("sha256sum -c -"), "Node.js download is checked");
        assert.ok(script.includes(`curl -fsSLO --retry 5 https://nodejs.org/dist/v24.21.0/node-v24.21.0-linux-x64.tar.xz`), script);
        assert.ok(script.includes(`QUEUESTACK_LEVELS=${JSON.stringify(JSON.stringify([{ weight: 1, subscriptions: ["projects/demo-project/subscriptions/queuestack-test-publish"] }]))}`), script);
        assert.ok(script.includes('QUEUESTACK_PROMOTE_AFTER_SECONDS="300"'), script);
        assert.equal(script.includes("QUEUESTACK_SUBSCRIPTION="), false);
        assert.ok(script.includes('QUEUESTACK_CONCURRENCY="4"'), script);
        assert.ok(script.includes("systemctl enable --now queuestack-worker.service"), script);
    });

    it("installs the runtime table's VM Node.js major at its one pinned patch release", async () => {
        const { resources } = await runGcp(make);
        const script: string = (one(resources, "gcp:compute/instanceTemplate:InstanceTemplate").inputs as any).metadata["startup-script"];
        assert.equal(nodeVersion, "v24.21.0");
        assert.equal(nodeVersion.split(".")[0], `v${deployedRuntimes.vm.nodeMajor}`);
        assert.ok(script.includes(installNodeScript(nodeVersion)), script);
        assert.equal(script.includes("v20."), false, "no Node.js 20 left on the VMs");
        assert.throws(() => vmNodeRelease(26), { message: "vm-node: no Node.js 26 release pinned in components/gcp/vm-node.ts (the runtime table deploys Node.js 26 on VMs)" });
    });

    it("drains on scale-in: graceful shutdown as long as systemd waits for the worker to finish its messages", async () => {
        const { resources } = await runGcp(make);
        const template = one(resources, "gcp:compute/instanceTemplate:InstanceTemplate").inputs as any;
        assert.deepEqual(template.scheduling, { gracefulShutdown: { enabled: true, maxDuration: { seconds: 60 } } });
        assert.ok(template.metadata["startup-script"].includes("TimeoutStopSec=60"));
    });

    it("grants only: subscriber on its subscription, Firestore on the stack's database, reading its own code folder", async () => {
        const { resources } = await runGcp(make);
        const member = `serviceAccount:${email}`;
        assert.deepEqual(one(resources, "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember").inputs, { subscription: "queuestack-test-publish", role: "roles/pubsub.subscriber", member });
        assert.deepEqual(one(resources, "gcp:projects/iAMMember:IAMMember").inputs, { project: "demo-project", role: "roles/datastore.user", member, condition: databaseCondition });
        assert.deepEqual(one(resources, "gcp:storage/bucketIAMMember:BucketIAMMember").inputs, {
            bucket: "src-bucket",
            role: "roles/storage.objectViewer",
            member,
            condition: { title: "queuestack-own-worker-code", expression: 'resource.name.startsWith("projects/_/buckets/src-bucket/objects/workers/publisher/")' },
        });
    });

    it("scales the regional group on undelivered messages per instance, from zero", async () => {
        const { resources } = await runGcp(make);
        const group = one(resources, "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager").inputs as any;
        assert.equal(group.region, "europe-west1");
        assert.equal(group.targetSize, undefined);
        assert.equal(group.versions.length, 1);
        const autoscaler = one(resources, "gcp:compute/regionAutoscaler:RegionAutoscaler").inputs as any;
        assert.equal(autoscaler.target, "projects/demo-project/compute/regionInstanceGroupManager/queuestack-test-publisher");
        assert.deepEqual(autoscaler.autoscalingPolicy, {
            minReplicas: 0,
            maxReplicas: 6,
            cooldownPeriod: 120,
            metrics: [
                {
                    name: "pubsub.googleapis.com/subscription/num_undelivered_messages",
                    filter: 'resource.type = pubsub_subscription AND resource.labels.subscription_id = "queuestack-test-publish"',
                    singleInstanceAssignment: 50,
                },
            ],
        });
    });
});

import { strict as assert } from "node:assert";
import { GcpWebQueueWorker, Network, RequiredApis, SourceBucket, requiredApis } from "../../components/gcp";
import { runOffline } from "../../components/testing/offline";
import { everyCloudSpec } from "../helpers/specs";
import { validateSpec } from "../../components/spec";
import { ofType, one } from "../helpers/resources";
import { gcpConfig, runGcp } from "./offline-gcp";

describe("gcp RequiredApis", () => {
    it("enables the services a spec uses, Compute Engine only with VM workers, and not Eventarc", () => {
        const functionsOnly = requiredApis(validateSpec({ name: "portfolio", queues: [{ name: "scrape" }], workers: [{ name: "scraper", queue: "scrape" }] }, "gcp"));
        assert.deepEqual(functionsOnly, [
            "cloudresourcemanager.googleapis.com",
            "iam.googleapis.com",
            "pubsub.googleapis.com",
            "firestore.googleapis.com",
            "monitoring.googleapis.com",
            "storage.googleapis.com",
            "cloudfunctions.googleapis.com",
            "run.googleapis.com",
            "cloudbuild.googleapis.com",
            "artifactregistry.googleapis.com",
            "secretmanager.googleapis.com",
        ]);
        const withVms = requiredApis(validateSpec({ name: "portfolio", queues: [{ name: "scrape" }], workers: [{ name: "poller", queue: "scrape", kind: "vm" }] }, "gcp"));
        assert.deepEqual(withVms, [...functionsOnly, "compute.googleapis.com"]);
    });

    it("creates one service resource per API, left enabled on destroy", async () => {
        const { resources } = await runGcp(() => new RequiredApis("apis", { services: ["pubsub.googleapis.com", "run.googleapis.com", "pubsub.googleapis.com"] }));
        assert.deepEqual(ofType(resources, "gcp:projects/service:Service").map((r) => [r.name, r.parent, r.inputs]), [
            ["apis-pubsub", "apis", { service: "pubsub.googleapis.com", disableOnDestroy: false, disableDependentServices: false }],
            ["apis-run", "apis", { service: "run.googleapis.com", disableOnDestroy: false, disableDependentServices: false }],
        ]);
    });
});

describe("gcp Network", () => {
    it("makes a custom VPC, a subnet with Private Google Access, Cloud NAT, and no firewall rule", async () => {
        const { resources } = await runGcp(() => new Network("net"));
        assert.deepEqual(one(resources, "gcp:compute/network:Network").inputs, { name: "queuestack-test-vpc", autoCreateSubnetworks: false, routingMode: "REGIONAL", description: "queuestack VM workers" });
        const subnet = one(resources, "gcp:compute/subnetwork:Subnetwork").inputs;
        assert.equal(subnet.privateIpGoogleAccess, true);
        assert.equal(subnet.region, "europe-west1");
        assert.equal(subnet.ipCidrRange, "10.20.0.0/24");
        const nat = one(resources, "gcp:compute/routerNat:RouterNat").inputs as any;
        assert.equal(nat.sourceSubnetworkIpRangesToNat, "LIST_OF_SUBNETWORKS");
        assert.deepEqual(nat.subnetworks, [{ name: "projects/demo-project/compute/subnetwork/queuestack-test-workers", sourceIpRangesToNats: ["ALL_IP_RANGES"] }]);
        assert.equal(resources.filter((r) => r.type === "gcp:compute/firewall:Firewall").length, 0);
    });
});

describe("gcp SourceBucket", () => {
    it("is private: uniform access, public access prevented, named with the project id", async () => {
        const { resources } = await runGcp(() => new SourceBucket("src"));
        const bucket = one(resources, "gcp:storage/bucket:Bucket").inputs;
        assert.equal(bucket.name, "queuestack-test-demo-project-source");
        assert.equal(bucket.uniformBucketLevelAccess, true);
        assert.equal(bucket.publicAccessPrevention, "enforced");
        assert.equal(bucket.location, "europe-west1");
    });
});

describe("gcp project lookups", () => {
    it("plans a whole stack without reading the project from Cloud Resource Manager (no getProject call)", async () => {
        const refuse = () => {
            throw new Error("the plan read the project from Cloud Resource Manager before its API is enabled");
        };
        const code = { pushWorker: () => "// push", frontEnd: () => "// front end", vmPoller: () => "// poller" };
        const { resources } = await runOffline(() => new GcpWebQueueWorker("portfolio", { spec: everyCloudSpec, code }), {
            config: gcpConfig,
            project: "queuestack",
            stack: "test",
            calls: { "gcp:organizations/getProject:getProject": refuse },
        });
        assert.ok(resources.length > 50);
        const crm = resources.find((r) => r.inputs.service === "cloudresourcemanager.googleapis.com");
        assert.ok(crm, "Cloud Resource Manager is enabled for the project-level IAM bindings");
        for (const binding of ofType(resources, "gcp:projects/iAMMember:IAMMember")) {
            assert.ok(binding.dependencies!.includes("portfolio-apis-cloudresourcemanager"), `${binding.name} waits for the Cloud Resource Manager API`);
        }
    });
});

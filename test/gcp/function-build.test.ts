import { strict as assert } from "node:assert";
import { FunctionBuild, FunctionWorker } from "../../components/gcp";
import { ofType, one } from "../helpers/resources";
import { database, handlerCode } from "./fixtures";
import { named, runGcp } from "./offline-gcp";

const buildEmail = "queuestack-test-build@demo-project.iam.gserviceaccount.com";
const member = `serviceAccount:${buildEmail}`;

describe("gcp FunctionBuild", () => {
    it("creates a build account, an image repository and exactly four grants, each scoped as narrowly as it can be", async () => {
        const { resources } = await runGcp(() => new FunctionBuild("build", { sourceBucket: "src-bucket" }));
        assert.deepEqual(resources.filter((r) => r.custom).map((r) => [r.type, r.name]).sort(), [
            ["gcp:artifactregistry/repository:Repository", "build-repository"],
            ["gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", "build-push-images"],
            ["gcp:projects/iAMMember:IAMMember", "build-function-sources"],
            ["gcp:projects/iAMMember:IAMMember", "build-write-logs"],
            ["gcp:serviceaccount/account:Account", "build-identity"],
            ["gcp:storage/bucketIAMMember:BucketIAMMember", "build-read-sources"],
        ]);
        assert.deepEqual(named(resources, "build-write-logs").inputs, { project: "demo-project", role: "roles/logging.logWriter", member });
        assert.deepEqual(named(resources, "build-push-images").inputs, { repository: "queuestack-test-functions", location: "europe-west1", role: "roles/artifactregistry.writer", member });
        assert.deepEqual(named(resources, "build-function-sources").inputs, {
            project: "demo-project",
            role: "roles/storage.objectAdmin",
            member,
            condition: { title: "queuestack-function-sources", expression: 'resource.name.startsWith("projects/_/buckets/gcf-v2-sources-")' },
        });
        assert.deepEqual(named(resources, "build-read-sources").inputs, { bucket: "src-bucket", role: "roles/storage.objectViewer", member });
        const repository = named(resources, "build-repository").inputs as any;
        assert.equal(repository.format, "DOCKER");
        assert.equal(repository.location, "europe-west1");
        assert.deepEqual(repository.cleanupPolicies.map((p: any) => [p.id, p.action]), [["keep-recent", "KEEP"], ["delete-older", "DELETE"]]);
        assert.equal(ofType(resources, "gcp:projects/iAMMember:IAMMember").some((r) => /editor|owner|cloudbuild\.builds\.builder/.test(r.inputs.role as string)), false, "no broad role");
    });

    it("makes each function build as that account into that repository, once the account's grants exist", async () => {
        const { resources } = await runGcp(() => {
            const build = new FunctionBuild("build", { sourceBucket: "src-bucket" });
            return new FunctionWorker("scraper", { worker: { name: "scraper", queue: "scrape" }, queueName: "scrape", database, sourceBucket: "src-bucket", ackDeadlineSeconds: 60, code: handlerCode, build });
        });
        const fn = one(resources, "gcp:cloudfunctionsv2/function:Function");
        const config = (fn.inputs as any).buildConfig;
        assert.equal(config.serviceAccount, `projects/demo-project/serviceAccounts/${buildEmail}`);
        assert.equal(config.dockerRepository, "projects/demo-project/locations/europe-west1/repositories/queuestack-test-functions");
        for (const grant of ["build-write-logs", "build-push-images", "build-function-sources", "build-read-sources"]) {
            assert.ok(fn.dependencies!.includes(grant), `the function waits for ${grant}`);
        }
    });
});

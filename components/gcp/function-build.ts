import * as artifactregistry from "@pulumi/gcp/artifactregistry";
import * as projects from "@pulumi/gcp/projects";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import { type GcpPlacement, childOptions, gcpPlacement, serviceAccountMember } from "./context";
import { workloadServiceAccount } from "./identity";
import { gcpNames } from "./names";

/** How a function is built: as which account, into which repository (see FunctionBuild). */
export interface FunctionBuildSettings {
    /** `projects/<p>/serviceAccounts/<email>` Cloud Build runs the build as (`buildConfig.serviceAccount`). */
    serviceAccountId: pulumi.Input<string>;
    /** `projects/<p>/locations/<region>/repositories/<id>` the image is pushed to (`buildConfig.dockerRepository`). */
    dockerRepository: pulumi.Input<string>;
}

export interface FunctionBuildArgs extends GcpPlacement {
    /** Bucket the function source archives are uploaded to (the build reads them). */
    sourceBucket: pulumi.Input<string>;
    /** Images kept per function; older ones are deleted by the repository's cleanup policy. @default 5 */
    keepImages?: number;
}

/**
 * Where Cloud Functions (2nd gen) copies a function's source before Cloud Build reads it:
 * `gcf-v2-sources-PROJECT_NUMBER-REGION` (https://cloud.google.com/functions/docs/building).
 */
const functionSourceBuckets = "projects/_/buckets/gcf-v2-sources-";

/**
 * The builds of a stack's functions on Google Cloud: a service account of their own and a Docker
 * repository in Artifact Registry for their images. Since July 2024 Cloud Build may run function
 * builds as a default account without the rights to build (and org policy can forbid the automatic
 * grants), so builds run as this account, granted exactly the roles Google lists for a function's
 * build account (https://cloud.google.com/run/docs/configuring/services/build-service-account,
 * https://cloud.google.com/functions/docs/securing/build-custom-sa), each as narrowly as it can be
 * scoped: Logs Writer on the project (build logs have no narrower scope), Artifact Registry Writer
 * on this repository only, Storage Object Admin only on the Cloud Functions source buckets
 * (`gcf-v2-sources-*`, by IAM condition), and Storage Object Viewer on the stack's source bucket.
 * Whoever runs `pulumi up` needs `iam.serviceAccounts.actAs` on this account (Service Account User).
 */
export class FunctionBuild extends pulumi.ComponentResource implements FunctionBuildSettings {
    readonly serviceAccount: serviceaccount.Account;
    readonly repository: artifactregistry.Repository;
    /** The account's id, resolved once all its grants exist (so no build starts before them). */
    readonly serviceAccountId: pulumi.Output<string>;
    readonly dockerRepository: pulumi.Output<string>;

    constructor(name: string, args: FunctionBuildArgs, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:gcp:FunctionBuild", name, {}, opts);
        const parent = childOptions(this, opts);
        const { name: physical, labels, region } = gcpPlacement(args, "build");
        const location = region();

        this.serviceAccount = workloadServiceAccount(`${name}-identity`, physical(gcpNames.serviceAccountId, "build"), "Builds the queuestack functions (Cloud Build)", parent);
        const member = serviceAccountMember(this.serviceAccount.email);
        this.repository = new artifactregistry.Repository(
            `${name}-repository`,
            {
                repositoryId: physical(gcpNames.artifactRepository, "functions"),
                location,
                format: "DOCKER",
                description: "queuestack function images",
                // https://cloud.google.com/artifact-registry/docs/repositories/cleanup-policy
                cleanupPolicies: [
                    { id: "keep-recent", action: "KEEP", mostRecentVersions: { keepCount: args.keepImages ?? 5 } },
                    { id: "delete-older", action: "DELETE", condition: { tagState: "ANY", olderThan: "86400s" } },
                ],
                labels,
            },
            parent,
        );
        const project = this.serviceAccount.project;
        const grants = [
            new projects.IAMMember(`${name}-write-logs`, { project, role: "roles/logging.logWriter", member }, parent),
            new artifactregistry.RepositoryIamMember(
                `${name}-push-images`,
                { repository: this.repository.repositoryId, location, role: "roles/artifactregistry.writer", member },
                parent,
            ),
            new projects.IAMMember(
                `${name}-function-sources`,
                {
                    project,
                    role: "roles/storage.objectAdmin",
                    member,
                    condition: { title: "queuestack-function-sources", expression: `resource.name.startsWith("${functionSourceBuckets}")` },
                },
                parent,
            ),
            new storage.BucketIAMMember(`${name}-read-sources`, { bucket: args.sourceBucket, role: "roles/storage.objectViewer", member }, parent),
        ];
        this.serviceAccountId = pulumi.all([this.serviceAccount.name, ...grants.map((g) => g.etag)]).apply(([id]) => id);
        this.dockerRepository = pulumi.interpolate`projects/${this.repository.project}/locations/${location}/repositories/${this.repository.repositoryId}`;
        this.registerOutputs({ serviceAccountEmail: this.serviceAccount.email, dockerRepository: this.dockerRepository });
    }
}

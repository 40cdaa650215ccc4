import { createHash } from "node:crypto";
import type { TracingSpec } from "../spec";
import { tracingEnvironment } from "../tracing-environment";
import * as cloudfunctionsv2 from "@pulumi/gcp/cloudfunctionsv2";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import { deployedRuntimes } from "../runtimes";
import type { FunctionBuildSettings } from "./function-build";

/** Runtime of every queuestack function: the runtime table's Cloud Functions entry (components/runtimes.ts). */
export const functionRuntime = deployedRuntimes.gcpFunctions.id;
/** The export Functions Framework calls: adapters export `handler(req, res)`. */
export const functionEntryPoint = "handler";

/** A secret exposed to the function as an environment variable. */
export interface SecretVariable {
    /** Environment variable name. */
    key: string;
    /** Secret id (`secretId` of the Secret Manager secret). */
    secret: pulumi.Input<string>;
    /** Project holding the secret. */
    projectId: pulumi.Input<string>;
    /** Version to read. @default "latest" */
    version?: pulumi.Input<string>;
}

export interface CloudFunctionArgs {
    /** Physical function name (gcpNames.cloudFunction). */
    functionName: string;
    region: string;
    /** Bundled JavaScript exporting `handler` (one file, see components/build/bundle.ts). */
    code: pulumi.Input<string>;
    /** Bucket the source archive is uploaded to. */
    sourceBucket: pulumi.Input<string>;
    /** Identity the function runs as. */
    serviceAccountEmail: pulumi.Input<string>;
    environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
    secretEnvironment?: SecretVariable[];
    timeoutSeconds: number;
    memoryMb: number;
    /** Most instances. */
    maxInstances: number;
    /**
     * Requests one instance accepts at once (`maxInstanceRequestConcurrency`). Above 1 the function
     * gets a whole vCPU and at least 512 MiB, which Cloud Run functions require for concurrency
     * (https://cloud.google.com/functions/docs/configuring/concurrency). @default 1
     */
    requestsPerInstance?: number;
    /** `ALLOW_INTERNAL_ONLY` for push-fed workers (Pub/Sub push counts as internal), `ALLOW_ALL` for the front end. */
    ingress: "ALLOW_ALL" | "ALLOW_INTERNAL_ONLY";
    labels: Record<string, string>;
    /**
     * Build as this account into this repository (see FunctionBuild).
     * @default Cloud Build's default account and `gcf-artifacts` (which may lack the rights to build in projects created since July 2024)
     */
    build?: FunctionBuildSettings;
    /** Trace export (spec tracing): when enabled, the OTEL_* variables pointing at tracing.endpoint. @default off */
    tracing?: TracingSpec;
}

/** The source archive: the bundle as index.js, a package.json naming it, named by content hash. */
function sourceArchive(functionName: string, code: pulumi.Input<string>) {
    return pulumi.output(code).apply((text) => ({
        object: `${functionName}/${createHash("sha256").update(text).digest("hex").slice(0, 16)}.zip`,
        archive: new pulumi.asset.AssetArchive({
            "index.js": new pulumi.asset.StringAsset(text),
            "package.json": new pulumi.asset.StringAsset(JSON.stringify({ name: functionName, main: "index.js", private: true })),
        }),
    }));
}

/**
 * A Cloud Functions (2nd gen) HTTP function from a bundled source archive in a bucket, running as
 * its own service account, `requestsPerInstance` requests per instance. Created with `opts`, names start with `name`.
 */
export function cloudFunction(name: string, args: CloudFunctionArgs, opts: pulumi.CustomResourceOptions) {
    const source = sourceArchive(args.functionName, args.code);
    const concurrent = (args.requestsPerInstance ?? 1) > 1;
    const object = new storage.BucketObject(
        `${name}-source`,
        { bucket: args.sourceBucket, name: source.object, source: source.archive, contentType: "application/zip" },
        opts,
    );
    const fn = new cloudfunctionsv2.Function(
        `${name}-function`,
        {
            name: args.functionName,
            location: args.region,
            buildConfig: {
                runtime: functionRuntime,
                entryPoint: functionEntryPoint,
                ...(args.build ? { serviceAccount: args.build.serviceAccountId, dockerRepository: args.build.dockerRepository } : {}),
                source: { storageSource: { bucket: args.sourceBucket, object: object.name } },
            },
            serviceConfig: {
                serviceAccountEmail: args.serviceAccountEmail,
                environmentVariables: args.tracing?.enabled ? pulumi.output(args.environment).apply((variables) => ({ ...variables, ...tracingEnvironment(args.tracing, args.functionName) })) : args.environment,
                secretEnvironmentVariables: args.secretEnvironment?.map((s) => ({ key: s.key, projectId: s.projectId, secret: s.secret, version: s.version ?? "latest" })),
                timeoutSeconds: args.timeoutSeconds,
                availableMemory: `${concurrent ? Math.max(args.memoryMb, 512) : args.memoryMb}Mi`,
                ...(concurrent ? { availableCpu: "1" } : {}),
                minInstanceCount: 0,
                maxInstanceCount: args.maxInstances,
                maxInstanceRequestConcurrency: args.requestsPerInstance ?? 1,
                ingressSettings: args.ingress,
                allTrafficOnLatestRevision: true,
            },
            labels: args.labels,
        },
        opts,
    );
    /** The Cloud Run service behind the function (where run.invoker is granted). */
    const serviceName = fn.serviceConfig.apply((config) => config?.service ?? "");
    /** The Cloud Run service's own URL: the audience Cloud Run always accepts in OIDC tokens. */
    const serviceUri = fn.serviceConfig.apply((config) => config?.uri ?? "");
    return { fn, object, serviceName, serviceUri, url: fn.url };
}

/** Lets exactly `member` invoke the function's Cloud Run service (`roles/run.invoker`). */
export function grantInvoker(name: string, fn: { serviceName: pulumi.Input<string> }, region: string, member: pulumi.Input<string>, opts: pulumi.CustomResourceOptions) {
    return new cloudrunv2.ServiceIamMember(name, { name: fn.serviceName, location: region, role: "roles/run.invoker", member }, opts);
}

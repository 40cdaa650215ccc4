import { validateSpec, type Cloud } from "../components/spec";
import type { PlannedResource } from "./plan";
import { withOptionalPackages } from "../components/optional-package";
import type { RehearsalContext } from "./context";
import { contractChecks, type Replan } from "./contracts";
import { EmulatorPool } from "./emulators/pool";
import { startFixtureSite } from "./fixture-site";
import { demoSamples, type Samples } from "./paths/samples";
import type { Check, Report } from "./report";

export { EmulatorPool } from "./emulators/pool";
export { EmulatorError } from "./emulators/process";
export { formatReport, passed, type Check, type Report } from "./report";

/** A stack as planned offline (what `npm run plan` computes). */
export interface PlannedStack {
    stack: string;
    config: Record<string, unknown>;
    resources: PlannedResource[];
    /** Where workers[].code is relative to (the Pulumi project directory). */
    projectRoot: string;
    /** Plans the program again with other config, for the collision and roll-out contracts. @default those are not checked */
    replan?: Replan;
}

export interface RehearseOptions {
    /** Emulators to use (and keep running for the next stack). @default a pool of its own, stopped at the end */
    emulators?: EmulatorPool;
    /** Progress lines (emulators starting, paths walking). @default none */
    progress?: (line: string) => void;
    /** Bodies to send. @default the demo scraper's: an article on a fixture site on 127.0.0.1, and a URL that is none */
    samples?: Samples;
    /** The day runtime support is counted from. @default now */
    today?: Date;
}

/**
 * Rehearses a planned stack: the contracts every cloud has, then its planned resources on the
 * cloud's emulators with its bundled code, walking the user paths. Never throws for a failed check:
 * each is a row of the report.
 */
export async function rehearse(planned: PlannedStack, options: RehearseOptions = {}): Promise<Report> {
    const began = Date.now();
    const cloud = String(planned.config["queuestack:cloud"] ?? "aws") as Cloud;
    const onEmulators = emulatorRehearsal(cloud); // first: a missing optional client fails before any work
    const progress = options.progress ?? (() => undefined);
    const emulators = options.emulators ?? new EmulatorPool(progress);
    const site = options.samples ? undefined : await startFixtureSite();
    try {
        const spec = validateSpec(planned.config["queuestack:spec"], cloud);
        const context: RehearsalContext = { ...planned, spec, emulators, progress, samples: options.samples ?? demoSamples(site!.articleUrl) };
        progress("checking the contracts (planning again for a second region, a second stack and changed worker code)");
        const checks: Check[] = await contractChecks({ ...planned, cloud, spec, today: options.today ?? new Date() });
        checks.push(...(await onEmulators(context)));
        return { stack: planned.stack, cloud, checks, wallMs: Date.now() - began };
    } finally {
        await site?.stop();
        if (!options.emulators) await emulators.stop();
    }
}

/** The cloud's rehearsal on its emulators, loaded now (a MissingPackageError names an optional client not installed). */
function emulatorRehearsal(cloud: Cloud): (context: RehearsalContext) => Promise<Check[]> {
    switch (cloud) {
        case "aws":
            return loadAwsRehearsal().rehearseAws;
        case "gcp":
            return loadGcpRehearsal().rehearseGcp;
        case "azure":
            return loadAzureRehearsal().rehearseAzure;
        default:
            return async () => [{ kind: "not rehearsed", name: `${cloud} resources on emulators`, status: "skip", detail: `no ${cloud} emulator rehearsal yet: only the contracts were checked` }];
    }
}

/** The AWS clients the rehearsal drives moto with (optional peers of the package). */
export const awsRehearsalPackages = ["@aws-sdk/client-cloudwatch", "@aws-sdk/client-dynamodb", "@aws-sdk/client-iam", "@aws-sdk/client-s3", "@aws-sdk/client-secrets-manager", "@aws-sdk/client-sns", "@aws-sdk/client-sqs", "@aws-sdk/client-sts"];

/** The Pub/Sub client the GCP rehearsal redrives with (an optional peer of the package). */
export const gcpRehearsalPackages = ["@google-cloud/pubsub"];

/** The Azure clients the rehearsal drives Azurite with (optional peers of the package). */
export const azureRehearsalPackages = ["@azure/storage-blob", "@azure/identity"];

// Each cloud's rehearsal is loaded when a stack of that cloud is rehearsed, so the others' clients
// need not be installed (and the published package's CLI starts without them).
/* eslint-disable @typescript-eslint/no-require-imports */
function loadAwsRehearsal(): typeof import("./aws/rehearse") {
    return withOptionalPackages("the aws rehearsal", awsRehearsalPackages, () => require("./aws/rehearse") as typeof import("./aws/rehearse"));
}

function loadGcpRehearsal(): typeof import("./gcp/rehearse") {
    return withOptionalPackages("the gcp rehearsal", gcpRehearsalPackages, () => require("./gcp/rehearse") as typeof import("./gcp/rehearse"));
}

function loadAzureRehearsal(): typeof import("./azure/rehearse") {
    return withOptionalPackages("the azure rehearsal", azureRehearsalPackages, () => require("./azure/rehearse") as typeof import("./azure/rehearse"));
}
/* eslint-enable @typescript-eslint/no-require-imports */

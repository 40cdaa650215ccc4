import * as path from "node:path";
import type { Cloud } from "../../components/spec";
import { MissingPackageError, withOptionalPackages } from "../../components/optional-package";
import { OperationError, UsageError } from "../errors";
import { queueAddresses, type StackContext, type StackFlags } from "../stack-context";
import type { OpsTarget } from "./types";

/** Flags that say how to reach the target. */
export interface TargetFlags extends StackFlags {
    /** aws: region. @default aws:region of the stack, else AWS_REGION */
    region?: string;
    /** aws: an SQS endpoint (moto, LocalStack); gcp: a Pub/Sub endpoint (emulator host:port). */
    endpoint?: string;
    /** gcp: project. @default gcp:project of the stack */
    project?: string;
    /** local: the data directory. @default <dir>/.queuestack/<stack> */
    dataDir?: string;
    /** azure: the Service Bus namespace connection string. @default SERVICEBUS_CONNECTION_STRING */
    connectionString?: string;
}

/**
 * Opens the stack's target for `queues` (spec names, already checked). Each cloud's SDK is loaded
 * only when that cloud is used, so an AWS user needs no Azure or Google package.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- each cloud's SDK loads only when used */
export async function openTarget(context: StackContext, flags: TargetFlags, queues: string[]): Promise<OpsTarget> {
    try {
        return await openTargetOf(context, flags, queues);
    } catch (error) {
        // An optional peer the target needs and the project has not installed: one line naming it.
        if (error instanceof MissingPackageError) throw new OperationError(error.message);
        throw error;
    }
}

async function openTargetOf(context: StackContext, flags: TargetFlags, queues: string[]): Promise<OpsTarget> {
    const target: Cloud = context.target;
    const addresses = () => Object.fromEntries(queues.map((q) => [q, queueAddresses(context, q, flags)]));
    switch (target) {
        case "local": {
            const { LocalTarget } = withOptionalPackages("the local target", ["better-sqlite3"], () => require("./local") as typeof import("./local"));
            return LocalTarget.open(context.spec, path.resolve(context.dir, flags.dataDir ?? path.join(".queuestack", context.stack)));
        }
        case "aws": {
            const region = flags.region ?? (context.config["aws:region"] as string | undefined) ?? process.env.AWS_REGION;
            if (!region) throw new UsageError(`no AWS region for stack "${context.stack}": set aws:region in Pulumi.${context.stack}.yaml, AWS_REGION, or pass --region.`);
            const { AwsTarget } = withOptionalPackages("the aws target", ["@aws-sdk/client-sqs", "@aws-sdk/client-cloudwatch"], () => require("./aws") as typeof import("./aws"));
            const queuesByName = Object.fromEntries(Object.entries(addresses()).map(([q, a]) => [q, { url: a.id, deadLetterUrl: a.deadLetterId }]));
            return new AwsTarget({ region, queues: queuesByName, ...(flags.endpoint ? { endpoint: flags.endpoint } : {}) });
        }
        case "gcp": {
            const project = flags.project ?? (context.config["gcp:project"] as string | undefined);
            if (!project) throw new UsageError(`no Google Cloud project for stack "${context.stack}": set gcp:project in Pulumi.${context.stack}.yaml or pass --project.`);
            const { GcpTarget } = withOptionalPackages("the gcp target", ["@google-cloud/pubsub"], () => require("./gcp") as typeof import("./gcp"));
            const queuesByName = Object.fromEntries(Object.entries(addresses()).map(([q, a]) => [q, { subscription: a.id, deadLetterSubscription: a.deadLetterId }]));
            return new GcpTarget({ project, queues: queuesByName, ...(flags.endpoint ? { endpoint: flags.endpoint } : {}) });
        }
        case "azure": {
            const connectionString = flags.connectionString ?? process.env.SERVICEBUS_CONNECTION_STRING;
            if (!connectionString) {
                throw new UsageError(`no Service Bus connection string for stack "${context.stack}": pass --connection-string or set SERVICEBUS_CONNECTION_STRING.`);
            }
            const { ServiceBusAdministrationClient, ServiceBusClient } = withOptionalPackages("the azure target", ["@azure/service-bus"], () => require("@azure/service-bus") as typeof import("@azure/service-bus"));
            const { AzureTarget } = require("./azure") as typeof import("./azure");
            return new AzureTarget({
                queues: Object.fromEntries(Object.entries(addresses()).map(([q, a]) => [q, a.id])),
                sessions: Object.fromEntries(context.spec.queues.map((q) => [q.name, q.ordering === "fifo"])),
                client: new ServiceBusClient(connectionString),
                admin: new ServiceBusAdministrationClient(connectionString),
            });
        }
    }
}

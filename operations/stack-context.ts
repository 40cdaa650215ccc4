import * as path from "node:path";
import { clouds, validateSpec, type Cloud, type QueueSpec, type Spec } from "../components/spec";
import { StackConfigError, loadStackConfig } from "../components/stack-config";
import { UsageError } from "./errors";
import { readPulumiOutputs, type OutputsLookup, type QueueOutputs } from "./stack-outputs";

/** Flags every live command takes (after parsing). */
export interface StackFlags {
    stack: string;
    /** Project directory holding Pulumi.<stack>.yaml. @default process.cwd() */
    dir?: string;
    /** aws | azure | gcp | local. @default the stack's queuestack:cloud */
    target?: string;
    /** Queue address; overrides the stack output (aws: queue URL; azure: queue name; gcp: subscription). */
    queueId?: string;
    /** Dead-letter address; overrides the stack output (aws: DLQ URL; gcp: dead-letter subscription). */
    deadLetterId?: string;
}

/** The stack as the operations commands see it: its spec, its target and where to find outputs. */
export interface StackContext {
    stack: string;
    dir: string;
    target: Cloud;
    spec: Spec;
    config: Record<string, unknown>;
    /** Stack outputs, read lazily (runs the Pulumi CLI once, only for cloud targets). */
    outputs(): OutputsLookup;
}

/** Reads Pulumi.<stack>.yaml, picks the target and validates the spec for it. */
export function loadStackContext(flags: StackFlags, lookup: typeof readPulumiOutputs = readPulumiOutputs): StackContext {
    const dir = path.resolve(flags.dir ?? process.cwd());
    let config: Record<string, unknown>;
    try {
        config = loadStackConfig(flags.stack, dir);
    } catch (error) {
        if (error instanceof StackConfigError) throw new UsageError(error.message);
        throw error;
    }
    const target = (flags.target ?? String(config["queuestack:cloud"] ?? "aws")) as Cloud;
    if (!clouds.includes(target)) throw new UsageError(`--target must be one of ${clouds.join(", ")} (got "${target}").`);
    const raw = config["queuestack:spec"];
    if (raw === undefined) throw new UsageError(`Pulumi.${flags.stack}.yaml has no queuestack:spec. Add the spec under config (see Pulumi.dev.yaml).`);
    const spec = validateSpec(raw, target);
    let outputs: OutputsLookup | undefined;
    return { stack: flags.stack, dir, target, spec, config, outputs: () => (outputs ??= lookup(flags.stack, dir)) };
}

/** The spec's queue called `name`; a UsageError naming the known queues otherwise. */
export function queueSpec(context: StackContext, name: string): QueueSpec {
    const queue = context.spec.queues.find((q) => q.name === name);
    if (!queue) {
        throw new UsageError(`unknown queue "${name}" in stack "${context.stack}". Queues: ${context.spec.queues.map((q) => q.name).join(", ")}.`);
    }
    return queue;
}

/** What each target calls a queue's two addresses, for error messages. */
const addressNames: Record<Exclude<Cloud, "local">, [string, string]> = {
    aws: ["queue URL", "dead-letter queue URL"],
    azure: ["queue name", "dead-letter path"],
    gcp: ["subscription", "dead-letter subscription"],
};

/**
 * A queue's addresses: from --queue-id/--dead-letter-id when given (they apply to the --queue
 * of the command), else from the stack outputs; a UsageError saying what is missing otherwise.
 */
export function queueAddresses(context: StackContext, queue: string, flags: Pick<StackFlags, "queueId" | "deadLetterId">): QueueOutputs {
    if (flags.queueId && flags.deadLetterId) return { id: flags.queueId, deadLetterId: flags.deadLetterId };
    const lookup = context.outputs();
    const fromStack = "outputs" in lookup ? lookup.outputs.queues[queue] : undefined;
    const id = flags.queueId ?? fromStack?.id;
    // Service Bus keeps the dead-letter queue under the queue itself.
    const derived = context.target === "azure" && id ? `${id}/$deadletterqueue` : undefined;
    const deadLetterId = flags.deadLetterId ?? fromStack?.deadLetterId ?? derived;
    if (id && deadLetterId) return { id, deadLetterId };
    const [idName, dlqName] = addressNames[context.target as Exclude<Cloud, "local">];
    const why = "missing" in lookup ? lookup.missing : `the stack outputs have no queue "${queue}"`;
    throw new UsageError(
        `no ${!id ? idName : dlqName} for queue "${queue}" of stack "${context.stack}" (${context.target}): ${why}. ` +
            `Pass --queue-id <${idName}> --dead-letter-id <${dlqName}>, or run where \`pulumi stack output --json\` works.`,
    );
}

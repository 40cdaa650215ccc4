import { Command, InvalidArgumentError, Option } from "commander";
import { clouds } from "../../components/spec/clouds";
import type { StackContext } from "../../operations/stack-context";
import type { TargetFlags } from "../../operations/targets";
import type { OpsTarget } from "../../operations/targets/types";

/** Adds the flags every live command takes: which stack, which target, and how to reach it. */
export function withStackOptions(command: Command): Command {
    return command
        .requiredOption("-s, --stack <name>", "the stack (reads Pulumi.<name>.yaml)")
        .option("--dir <path>", "project directory holding Pulumi.<stack>.yaml (default: current directory)")
        .addOption(new Option("--target <target>", "where the queues live (default: the stack's queuestack:cloud)").choices([...clouds]))
        .option("--queue-id <id>", "queue address instead of the stack output (aws: queue URL; azure: queue name; gcp: subscription)")
        .option("--dead-letter-id <id>", "dead-letter address instead of the stack output (aws: DLQ URL; gcp: dead-letter subscription)")
        .option("--region <region>", "aws: region (default: aws:region of the stack)")
        .option("--endpoint <url>", "aws: SQS endpoint (moto, LocalStack); gcp: Pub/Sub endpoint (emulator host:port)")
        .option("--project <id>", "gcp: project (default: gcp:project of the stack)")
        .option("--connection-string <text>", "azure: Service Bus connection string (default: SERVICEBUS_CONNECTION_STRING)")
        .option("--data-dir <path>", "local: data directory (default: .queuestack/<stack>)");
}

/** A whole number of at least `min`, for commander. */
export const integerAtLeast = (min: number) => (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number >= ${min} (got "${value}").`);
    return n;
};

/** A positive number, for commander. */
export const positiveNumber = (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`must be a number > 0 (got "${value}").`);
    return n;
};

/** Runs `work` on the stack's target for `queues` (all spec queues when undefined), closing it after. */
export async function withTarget<T>(
    flags: TargetFlags & { queue?: string },
    work: (target: OpsTarget, context: StackContext, queues: string[]) => Promise<T>,
): Promise<T> {
    // Loaded when a command runs, not when it is registered: the spec's schema and the targets are
    // what `queuestack --help` must not wait for.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { loadStackContext, queueSpec } = require("../../operations/stack-context") as typeof import("../../operations/stack-context");
    const { openTarget } = require("../../operations/targets") as typeof import("../../operations/targets");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const context = loadStackContext(flags);
    const queues = flags.queue ? [queueSpec(context, flags.queue).name] : context.spec.queues.map((q) => q.name);
    const target = await openTarget(context, flags, queues);
    try {
        return await work(target, context, queues);
    } finally {
        await target.close();
    }
}

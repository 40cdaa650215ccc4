import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { UsageError } from "../../operations/errors";
import type { TargetFlags } from "../../operations/targets";
import type { CliIo } from "./io";
import { withStackOptions, withTarget } from "./options";

interface SendFlags extends TargetFlags {
    queue: string;
    body?: string;
    bodyFile?: string;
    attribute: Record<string, string>;
    group?: string;
    dedupId?: string;
}

const attribute = (value: string, previous: Record<string, string>) => {
    const at = value.indexOf("=");
    if (at <= 0) throw new InvalidArgumentError(`must be name=value (got "${value}").`);
    return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
};

/** `queuestack send`: one message to a queue, for smoke tests. */
export function sendCommand(io: CliIo): Command {
    return withStackOptions(new Command("send").description("send one message to a queue (smoke test)"))
        .requiredOption("-q, --queue <name>", "the spec's queue")
        .option("--body <text>", "message body")
        .option("--body-file <path>", "read the body from a file")
        .option("--attribute <name=value>", "message attribute (repeatable)", attribute, {})
        .option("--group <key>", "FIFO group key (aws MessageGroupId, azure session, gcp ordering key)")
        .option("--dedup-id <id>", "deduplication id")
        .action(async (flags: SendFlags) => {
            if ((flags.body === undefined) === (flags.bodyFile === undefined)) throw new UsageError("send needs exactly one of --body <text> or --body-file <path>.");
            const body = flags.body ?? readFileSync(flags.bodyFile!, "utf8");
            await withTarget(flags, async (target, context, [queue]) => {
                const [id] = await target.send(queue, [
                    {
                        body,
                        attributes: flags.attribute,
                        ...(flags.group !== undefined ? { groupKey: flags.group } : {}),
                        ...(flags.dedupId !== undefined ? { deduplicationId: flags.dedupId } : {}),
                    },
                ]);
                io.out(`Sent to "${queue}" (stack ${context.stack}, ${target.cloud})${id ? `: message ${id}` : ""}`);
            });
        });
}

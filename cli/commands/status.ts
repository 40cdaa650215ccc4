import { Command, Option } from "commander";
import { statusTable } from "../ops/format";
import type { TargetFlags } from "../../operations/targets";
import type { CliIo } from "./io";
import { withStackOptions, withTarget } from "./options";

/** `queuestack status`: waiting, in flight, oldest age and dead letters per queue, thresholds marked. */
export function statusCommand(io: CliIo): Command {
    return withStackOptions(new Command("status").description("queue depths, in flight, oldest message age and dead letters, with the spec's alarm thresholds marked"))
        .option("-q, --queue <name>", "one queue (default: every queue of the spec)")
        .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
        .action(async (flags: TargetFlags & { queue?: string; format: string }) => {
            await withTarget(flags, async (target, context, queues) => {
                const rows = [];
                for (const queue of queues) rows.push({ queue, status: await target.status(queue) });
                if (flags.format === "json") {
                    io.out(JSON.stringify({ stack: context.stack, target: target.cloud, thresholds: context.spec.alarms, queues: rows }, null, 2));
                    return;
                }
                const { deadLetterDepth, oldestMessageAgeSeconds } = context.spec.alarms;
                io.out(`Stack "${context.stack}" on ${target.cloud}: alarms at dead letters >= ${deadLetterDepth}, oldest message >= ${oldestMessageAgeSeconds} s\n`);
                io.out(statusTable(context.spec, rows));
            });
        });
}

import { Command, Option } from "commander";
import { confirm } from "../ops/confirm";
import { UsageError, OperationError } from "../../operations/errors";
import { deadLetterDetails, deadLetterTable, plural } from "../ops/format";
import { progressBar } from "../ops/progress";
import { listDeadLetters, redrive } from "../../operations/redrive";
import type { TargetFlags } from "../../operations/targets";
import type { CliIo } from "./io";
import { integerAtLeast, positiveNumber, withStackOptions, withTarget } from "./options";

interface DlqFlags extends TargetFlags {
    queue: string;
}

/** Every `dlq` subcommand names the stack and one spec queue. */
const dlqCommand = (name: string, description: string) =>
    withStackOptions(new Command(name).description(description)).requiredOption("-q, --queue <name>", "the spec's queue whose dead letters to use");

const ids = (value: string, previous: string[]) => [...previous, ...value.split(",").map((id) => id.trim()).filter(Boolean)];

/** `queuestack dlq list|show|purge|redrive`. */
export function dlqCommands(io: CliIo): Command {
    const where = (queue: string, stack: string, cloud: string) => `"${queue}" (stack ${stack}, ${cloud})`;
    const dlq = new Command("dlq").description("inspect, purge and redrive dead-letter queues");

    dlq.addCommand(
        dlqCommand("list", "dead letters with their attempts and reasons, oldest first")
            .option("--limit <n>", "most messages to show", integerAtLeast(1), 50)
            .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
            .action(async (flags: DlqFlags & { limit: number; format: string }) => {
                await withTarget(flags, async (target, context, [queue]) => {
                    const messages = await listDeadLetters(target.deadLetters(queue), flags.limit);
                    if (flags.format === "json") return io.out(JSON.stringify(messages, null, 2));
                    io.out(`Dead letters of ${where(queue, context.stack, target.cloud)}: ${messages.length}${messages.length === flags.limit ? ` shown (--limit ${flags.limit})` : ""}\n`);
                    if (messages.length > 0) io.out(deadLetterTable(messages));
                });
            }),
    );

    dlq.addCommand(
        dlqCommand("show", "one dead letter in full: body, attributes, group, dedup id, reason")
            .requiredOption("--id <id>", "the message id (from dlq list)")
            .option("--scan <n>", "dead letters to look through", integerAtLeast(1), 1000)
            .action(async (flags: DlqFlags & { id: string; scan: number }) => {
                await withTarget(flags, async (target, context, [queue]) => {
                    const found = (await listDeadLetters(target.deadLetters(queue), flags.scan)).find((m) => m.id === flags.id);
                    if (!found) throw new OperationError(`no dead letter ${flags.id} in ${where(queue, context.stack, target.cloud)} (looked at up to ${flags.scan}).`);
                    io.out(deadLetterDetails(found));
                });
            }),
    );

    dlq.addCommand(
        dlqCommand("purge", "delete every dead letter of the queue (asks first)")
            .option("-y, --yes", "do not ask for confirmation (scripts)")
            .action(async (flags: DlqFlags & { yes?: boolean }) => {
                await withTarget(flags, async (target, context, [queue]) => {
                    const { deadLetters } = await target.status(queue).catch(() => ({ deadLetters: undefined }));
                    const what = `${deadLetters === undefined ? "all dead letters" : plural(deadLetters, "dead letter")} of ${where(queue, context.stack, target.cloud)}`;
                    if (!flags.yes && !(await confirm(`Delete ${what}? This cannot be undone.`, { input: io.stdin, output: io.progress }))) {
                        throw new OperationError(`Not confirmed: nothing purged. Pass --yes to purge without asking.`);
                    }
                    const purged = await target.purgeDeadLetters(queue);
                    io.out(`Purged ${purged === undefined ? "all dead letters" : plural(purged, "dead letter")} of ${where(queue, context.stack, target.cloud)}.`);
                });
            }),
    );

    dlq.addCommand(
        dlqCommand("redrive", "send dead letters back to their queue, keeping body, attributes, group key and dedup id")
            .option("--id <ids>", "only these message ids (repeatable, or comma separated)", ids, [])
            .option("--rate <n>", "at most n messages per second", positiveNumber)
            .option("--batch-size <n>", "messages per round trip (1-10)", integerAtLeast(1), 10)
            .action(async (flags: DlqFlags & { id: string[]; rate?: number; batchSize: number }) => {
                if (flags.batchSize > 10) throw new UsageError(`--batch-size must be at most 10 (got ${flags.batchSize}).`);
                await withTarget(flags, async (target, context, [queue]) => {
                    const expected = await target.status(queue).then((s) => s.deadLetters, () => undefined);
                    // The redrive spans go where the OTEL_* variables say (nowhere when they name no endpoint); loaded only here.
                    const { startTracing } = require("../../workers/runtime/tracing/setup") as typeof import("../../workers/runtime/tracing/setup");
                    const tracing = startTracing({ serviceName: `queuestack-cli-${context.stack}` });
                    const result = await redrive(target, queue, {
                        ...(flags.id.length ? { ids: flags.id } : {}),
                        ...(flags.rate ? { ratePerSecond: flags.rate } : {}),
                        batchSize: flags.batchSize,
                        progress: progressBar(`redrive ${queue}`, io.progress),
                        ...(expected !== undefined ? { expected } : {}),
                    }).finally(() => tracing?.shutdown());
                    io.out(`Redrove ${plural(result.moved, "dead letter")} back to ${where(queue, context.stack, target.cloud)}.`);
                    if (result.unredrivable) {
                        const [first] = result.unredrivable;
                        throw new OperationError(
                            `left ${plural(result.unredrivable.length, "dead letter")} in the dead-letter queue that ${result.unredrivable.length === 1 ? "is not a job" : "are not jobs"}: ` +
                                `${first!.id}${result.unredrivable.length > 1 ? " and others" : ""} is ${first!.why}. Read it with \`queuestack dlq show --id ${first!.id}\`, resend the job by hand if it should run, then purge.`,
                        );
                    }
                    if (result.deferred) {
                        throw new OperationError(
                            `left ${plural(result.deferred.count, "dead letter")} in the dead-letter queue: they went through the FIFO queue less than 5 minutes ago, ` +
                                `and it would drop them as duplicates. Run the redrive again after ${result.deferred.until.toISOString()}.`,
                        );
                    }
                    if (result.missing.length > 0) {
                        throw new OperationError(`not found in the dead-letter queue (or behind unselected messages of their FIFO group): ${result.missing.join(", ")}`);
                    }
                });
            }),
    );
    return dlq;
}

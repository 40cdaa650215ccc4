import { spawnSync } from "node:child_process";

/** One queue's addresses as the stack outputs them (see components/contract.ts). */
export interface QueueOutputs {
    id: string;
    deadLetterId: string;
}

/** The stack outputs the operations commands read. */
export interface StackOutputs {
    queues: Record<string, QueueOutputs>;
    frontEndUrl?: string;
    datastoreName?: string;
}

/** The outputs, or why there are none (shown when a command needs an address it cannot get). */
export type OutputsLookup = { outputs: StackOutputs } | { missing: string };

/**
 * `pulumi stack output --json --stack <name>` run in `dir`, when the Pulumi CLI is on PATH.
 * Never throws: a missing CLI, a stack that is not deployed or a login problem become `missing`.
 */
export function readPulumiOutputs(stack: string, dir: string, pulumi = "pulumi"): OutputsLookup {
    const run = spawnSync(pulumi, ["stack", "output", "--json", "--stack", stack], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    if (run.error) {
        const notFound = (run.error as NodeJS.ErrnoException).code === "ENOENT";
        return { missing: notFound ? "the Pulumi CLI is not installed" : `\`pulumi stack output\` failed: ${run.error.message}` };
    }
    if (run.status !== 0) {
        const why = (run.stderr || run.stdout).trim().split("\n").filter(Boolean).pop() ?? `exit code ${run.status}`;
        return { missing: `\`pulumi stack output --stack ${stack}\` failed: ${why}` };
    }
    try {
        const parsed = JSON.parse(run.stdout) as Partial<StackOutputs>;
        if (!parsed.queues || typeof parsed.queues !== "object") return { missing: `stack "${stack}" has no "queues" output (is it deployed?)` };
        return { outputs: parsed as StackOutputs };
    } catch (error) {
        return { missing: `\`pulumi stack output --json\` printed no JSON: ${(error as Error).message}` };
    }
}

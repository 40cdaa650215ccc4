import * as path from "node:path";
import { type PlannedResource, runOffline } from "../components/testing/offline";
import { loadStackConfig } from "../components/stack-config";

export interface OfflineStack {
    stack: string;
    config: Record<string, unknown>;
    resources: PlannedResource[];
}

/**
 * Runs the repository's Pulumi program (program.ts) under mocks with Pulumi.<stack>.yaml's
 * config: what `pulumi up` would create, without the CLI, an engine or credentials.
 */
export async function runStackOffline(stack: string, dir: string = process.cwd()): Promise<OfflineStack> {
    const config = loadStackConfig(stack, dir);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { program } = require(path.join(dir, "program")) as typeof import("../program");
    const { resources } = await runOffline(program, { project: "queuestack", stack, config });
    return { stack, config, resources };
}

import type { PlannedResource } from "../components/testing/offline";
import type { InvokeAnswer } from "../components/testing/invokes";
import { runProject } from "../components/testing/run-project";

export interface OfflineStack {
    stack: string;
    /** The Pulumi project's name (Pulumi.yaml `name`), as in every URN a deploy creates. */
    project: string;
    config: Record<string, unknown>;
    resources: PlannedResource[];
}

/**
 * Runs the Pulumi program of the project in `dir` (Pulumi.yaml: its name and `main`) under mocks
 * with Pulumi.<stack>.yaml's config: what `pulumi up` would create, without the CLI, an engine or
 * credentials. `calls` answers provider functions the defaults do not.
 */
export async function runStackOffline(stack: string, dir: string = process.cwd(), calls?: Record<string, InvokeAnswer>): Promise<OfflineStack> {
    const run = await runProject(dir, stack, calls ? { calls } : {});
    return { stack, project: run.project.name, config: run.config, resources: run.resources };
}

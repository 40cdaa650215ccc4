import { runProject } from "../components/testing/run-project";
import type { PlannedStack } from "./index";
import type { PlannedResource } from "./plan";

/** The Pulumi project in `dir` (its Pulumi.yaml name and program), planned offline with `config` as stack `stack`. */
export async function planWith(dir: string, stack: string, config: Record<string, unknown>): Promise<PlannedResource[]> {
    return (await runProject(dir, stack, { config })).resources;
}

/** Pulumi.<stack>.yaml in `dir`, planned offline as `queuestack plan` does. */
export async function planStack(stack: string, dir: string = process.cwd()): Promise<PlannedStack> {
    const { config, resources } = await runProject(dir, stack);
    return { stack, config, resources, projectRoot: dir, replan: (name, other) => planWith(dir, name, other) };
}

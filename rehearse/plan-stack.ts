import * as path from "node:path";
import { runOffline } from "../components/testing/offline";
import { loadStackConfig } from "../components/stack-config";
import type { PlannedStack } from "./index";
import type { PlannedResource } from "./plan";

/** The repository's (or user project's) Pulumi program, planned offline with `config` as stack `stack`. */
export async function planWith(dir: string, stack: string, config: Record<string, unknown>): Promise<PlannedResource[]> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { program } = require(path.join(dir, "program")) as typeof import("../program");
    // The offline plan answers getRegion with one fixed region: a plan for another region must see its own,
    // or the second-region collision contract compares a plan with itself.
    const region = typeof config["aws:region"] === "string" ? config["aws:region"] : undefined;
    const calls = region ? { "aws:index/getRegion:getRegion": () => ({ name: region, region, id: region }) } : undefined;
    return (await runOffline(program, { project: "queuestack", stack, config, ...(calls ? { calls } : {}) })).resources;
}

/** Pulumi.<stack>.yaml in `dir`, planned offline as `npm run plan` does. */
export async function planStack(stack: string, dir: string = process.cwd()): Promise<PlannedStack> {
    const config = loadStackConfig(stack, dir);
    return { stack, config, resources: await planWith(dir, stack, config), projectRoot: dir, replan: (name, other) => planWith(dir, name, other) };
}

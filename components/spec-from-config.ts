import * as pulumi from "@pulumi/pulumi";
import { type Cloud, type Spec, SpecError, validateSpec } from "./spec";

/**
 * Reads `queuestack:cloud` and `queuestack:spec` from the stack's config (Pulumi.<stack>.yaml)
 * and validates the spec for that cloud. Throws one SpecError listing every problem.
 */
export function specFromConfig(config: pulumi.Config = new pulumi.Config("queuestack")): { cloud: Cloud; spec: Spec } {
    const cloud = (config.get("cloud") ?? "aws") as Cloud;
    const raw = config.getObject<unknown>("spec");
    if (raw === undefined) {
        throw new SpecError(
            [{ path: ["queuestack:spec"], rule: "is required in the stack config", received: undefined, fix: "Add queuestack:spec to Pulumi.<stack>.yaml (see Pulumi.dev.yaml)." }],
            `stack config for ${pulumi.getStack()}`,
        );
    }
    return { cloud, spec: validateSpec(raw, cloud) };
}

import { readFileSync } from "node:fs";
import type { PlannedResource } from "../components/testing/offline";
import type { Policies, PolicyPackConfig } from "@pulumi/policy";
import { allPolicies, policyPackName } from "../policies/all";
import { type EvaluatedResource, evaluatePolicies, type Violation } from "../policies/lib/evaluate";
import { toEvaluatedResources } from "../policies/lib/offline";
import { formatViolations, summarize } from "../policies/lib/report";
import { runStackOffline } from "./offline-stack";

/** The outcome of running the policy pack on one stack. */
export interface StackCheck {
    stack: string;
    resources: EvaluatedResource[];
    violations: Violation[];
    /** True when any violation is mandatory: the stack must not deploy. */
    failed: boolean;
}

export interface CheckOptions {
    /** Directory holding Pulumi.<stack>.yaml and program.ts. @default process.cwd() */
    dir?: string;
    /** Policy config, as `pulumi up --policy-pack-config` takes it. @default {} */
    config?: PolicyPackConfig;
    /** @default every policy of the pack */
    policies?: Policies;
}

/**
 * Runs the stack's program under mocks with its Pulumi.<stack>.yaml config and evaluates every
 * policy on what it would create, as `pulumi preview --policy-pack policies` would.
 */
export async function checkStack(stack: string, options: CheckOptions = {}): Promise<StackCheck> {
    const { resources: planned } = await runStackOffline(stack, options.dir);
    return checkPlanned(stack, planned, options);
}

/** Evaluates the policies on resources already planned (`runStackOffline`), without running the program again. */
export async function checkPlanned(stack: string, planned: PlannedResource[], options: Omit<CheckOptions, "dir"> = {}): Promise<StackCheck> {
    const resources = toEvaluatedResources(planned, "queuestack", stack);
    const violations = await evaluatePolicies(resources, options.policies ?? allPolicies, options.config);
    return { stack, resources, violations, failed: violations.some((v) => v.enforcementLevel === "mandatory") };
}

/** The report for one stack, laid out like the Pulumi CLI's. */
export function formatCheck(check: StackCheck, version: string): string {
    const verdict = check.failed ? "FAILED" : "passed";
    return `Stack "${check.stack}": ${verdict} (${summarize(check.violations)}, ${check.resources.length} resources checked)\n` +
        formatViolations({ name: policyPackName, version, source: "local: policies" }, check.violations, check.resources);
}

/** Reads a policy config file (JSON, the format of `--policy-pack-config`). */
export function readPolicyConfig(file: string): PolicyPackConfig {
    try {
        return JSON.parse(readFileSync(file, "utf8")) as PolicyPackConfig;
    } catch (error) {
        throw new PolicyConfigError(`policy config ${file} is not readable JSON: ${(error as Error).message}. Pass a file like {"aws-sqs-queue-limit-max-receive-count": {"maximumDeliveryAttempts": 20}}.`);
    }
}

/** Error for people: a policy config file that cannot be used. */
export class PolicyConfigError extends Error {
    override name = "PolicyConfigError";
}

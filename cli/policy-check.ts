import { readFileSync } from "node:fs";
import type { InvokeAnswer } from "../components/testing/invokes";
import type { Policies, PolicyPackConfig } from "@pulumi/policy";
import { allPolicies, policyPackName } from "../policies/all";
import { type EvaluatedResource, evaluatePolicies, type Violation } from "../policies/lib/evaluate";
import { toEvaluatedResources } from "../policies/lib/offline";
import { formatViolations, summarize } from "../policies/lib/report";
import { type OfflineStack, runStackOffline } from "./offline-stack";

/** The outcome of running the policy pack on one stack. */
export interface StackCheck {
    stack: string;
    /** The Pulumi project's name (in every URN). */
    project: string;
    resources: EvaluatedResource[];
    violations: Violation[];
    /** True when any violation is mandatory: the stack must not deploy. */
    failed: boolean;
}

export interface CheckOptions {
    /** The Pulumi project's directory (Pulumi.yaml, Pulumi.<stack>.yaml, the program). @default process.cwd() */
    dir?: string;
    /** Answers for provider functions the offline defaults do not answer. */
    calls?: Record<string, InvokeAnswer>;
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
    return checkPlanned(await runStackOffline(stack, options.dir, options.calls), options);
}

/** Evaluates the policies on a stack already planned (`runStackOffline`), without running the program again. */
export async function checkPlanned(planned: OfflineStack, options: Omit<CheckOptions, "dir" | "calls"> = {}): Promise<StackCheck> {
    const { stack, project } = planned;
    const resources = toEvaluatedResources(planned.resources, project, stack);
    const violations = await evaluatePolicies(resources, options.policies ?? allPolicies, options.config);
    return { stack, project, resources, violations, failed: violations.some((v) => v.enforcementLevel === "mandatory") };
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

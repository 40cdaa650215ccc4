import type { OfflineStack } from "./offline-stack";
import type { StackCheck } from "./policy-check";

/** The policy pack's verdict on a plan, and its report laid out like the Pulumi CLI's. */
export interface PlanPolicyReport {
    check: StackCheck;
    text: string;
}

/**
 * Evaluates the queuestack policy pack on already planned resources (no second program run).
 * Undefined when the pack is not part of this installation.
 */
export async function planPolicyReport(planned: OfflineStack): Promise<PlanPolicyReport | undefined> {
    let pack: { check: typeof import("./policy-check"); version: string };
    try {
        /* eslint-disable @typescript-eslint/no-require-imports -- the pack is optional */
        pack = { check: require("./policy-check"), version: (require("../policies/package.json") as { version: string }).version };
        /* eslint-enable @typescript-eslint/no-require-imports */
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") return undefined;
        throw error;
    }
    const check = await pack.check.checkPlanned(planned);
    return { check, text: pack.check.formatCheck(check, pack.version) };
}

import { PolicyPack } from "@pulumi/policy";
import { allPolicies, policyPackName } from "./all";

/**
 * The queuestack policy pack, as the Pulumi CLI loads it:
 * `pulumi preview --policy-pack policies`. This is the only module that constructs a PolicyPack
 * (which starts the pack's gRPC server); everything else imports ./all.
 */
new PolicyPack(policyPackName, {
    description: "Dead-letter queues, retention, idempotency, visibility and alarm rules for queue-based stacks on AWS, Azure and Google Cloud.",
    enforcementLevel: "advisory",
    policies: allPolicies,
});

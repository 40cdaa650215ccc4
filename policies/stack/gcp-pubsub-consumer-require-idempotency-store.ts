import type { PolicyResource } from "@pulumi/policy";
import { idempotencyStoreKey } from "../lib/declarations";
import { type PubsubConsumer, pubsubConsumers, pubsubSubscriptions } from "../lib/gcp-stack";
import { stackPolicy } from "../lib/policy";
import { asList, ofType, type Props } from "../lib/stack";

/** Roles that may write Firestore documents. */
const writerRoles = ["roles/datastore.user", "roles/datastore.owner", "roles/owner", "roles/editor"];
const defaultDatabase = "(default)";

/**
 * Pub/Sub delivers at least once, so every consumer (Cloud Function behind a push subscription,
 * instance template of a group autoscaled on a subscription) declares an idempotency store under
 * `QUEUESTACK_IDEMPOTENCY_STORE` (see policies/lib/declarations.ts): a Firestore database in the
 * stack with a TTL field, that the consumer's service account may write (roles/datastore.user).
 */
export const gcpPubsubConsumerRequireIdempotencyStore = stackPolicy({
    name: "gcp-pubsub-consumer-require-idempotency-store",
    description: "Every Pub/Sub consumer writes an idempotency record (a Firestore database with TTL it may write), so a redelivered message has no second effect.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const consumers = pubsubConsumers(args.resources, pubsubSubscriptions(args.resources));
        if (consumers.length === 0) return args.notApplicable("No Pub/Sub consumers in this stack");
        for (const consumer of consumers) {
            const problem = storeProblem(args.resources, consumer);
            if (problem) report(problem, consumer.resource.urn);
        }
    },
});

function storeProblem(resources: readonly PolicyResource[], consumer: PubsubConsumer): string | undefined {
    const who = `${consumer.kind} "${consumer.resource.name}"`;
    const where = consumer.kind === "Cloud Function" ? "the environment variable (serviceConfig.environmentVariables)" : "the metadata key";
    const store = consumer.declaredStore;
    if (!store) {
        return `${who} consumes Pub/Sub subscription "${consumer.subscription.resource.name}" (at-least-once delivery) but declares no idempotency store. ` +
            `Set ${where} ${idempotencyStoreKey} to a Firestore database with a TTL field that it may write, and guard the handler with it.`;
    }
    const database = ofType(resources, "gcp:firestore/database:Database").find((d) => d.props.name === store);
    if (!database) {
        return `${who} declares idempotency store "${store}", but no Firestore database named "${store}" is in this stack. Create it with a TTL field, or correct ${idempotencyStoreKey}.`;
    }
    const ttl = ofType(resources, "gcp:firestore/field:Field").some((f) => (f.props.database ?? defaultDatabase) === store && f.props.ttlConfig);
    if (!ttl) {
        return `Firestore database "${database.name}", the idempotency store of ${who}, never expires its records. Add a gcp.firestore.Field with ttlConfig: {} on the expiry field of its idempotency collection.`;
    }
    const member = consumer.serviceAccountEmail && `serviceAccount:${consumer.serviceAccountEmail}`;
    const granted = member && ofType(resources, "gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding").some((binding) => {
        const p: Props = binding.props;
        return writerRoles.includes(p.role) && [p.member, ...asList(p.members)].includes(member);
    });
    if (!granted) {
        return `${who} may not write its idempotency store "${store}": ${member ? `${member} has` : "it runs as no declared service account, so it has"} no roles/datastore.user grant in this stack. Grant roles/datastore.user to its service account (conditioned on the database if you like).`;
    }
    return undefined;
}

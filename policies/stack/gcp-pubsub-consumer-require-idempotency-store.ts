import type { PolicyResource } from "@pulumi/policy";
import { idempotencyStoreKey } from "../lib/declarations";
import { type PubsubConsumer, pubsubConsumers, pubsubSubscriptions } from "../lib/gcp-stack";
import { declaredExternal, type IdempotencyConfig, idempotencySchema, undeclaredStoreMessage } from "../lib/idempotency";
import { stackPolicy } from "../lib/policy";
import { asList, ofType, type Props } from "../lib/stack";

const name = "gcp-pubsub-consumer-require-idempotency-store";
/** Roles that may write Firestore documents. */
const writerRoles = ["roles/datastore.user", "roles/datastore.owner", "roles/owner", "roles/editor"];
const defaultDatabase = "(default)";

/**
 * Pub/Sub delivers at least once, so every consumer (Cloud Function behind a push subscription,
 * instance template of a group autoscaled on a subscription) guards its handler with an
 * idempotency store: a Firestore database with a TTL field that its service account may write
 * (roles/datastore.user). A consumer may name its database (environment variable or metadata
 * `QUEUESTACK_IDEMPOTENCY_STORE`, or label `queuestack-idempotency`; `default` means
 * `(default)`, which a label cannot hold), which is then checked; may declare `external` or be
 * listed in the `idempotentConsumers` config; or, declaring nothing, passes when any database
 * with a TTL field in the stack is writable by its service account.
 */
export const gcpPubsubConsumerRequireIdempotencyStore = stackPolicy<IdempotencyConfig>({
    name,
    description: "Every Pub/Sub consumer writes an idempotency record (a Firestore database with TTL it may write), so a redelivered message has no second effect.",
    enforcementLevel: "mandatory",
    configSchema: idempotencySchema,
    validate: ({ args, config, report }) => {
        const consumers = pubsubConsumers(args.resources, pubsubSubscriptions(args.resources));
        if (consumers.length === 0) return args.notApplicable("No Pub/Sub consumers in this stack");
        for (const consumer of consumers) {
            if (declaredExternal(consumer.resource, consumer.declaredStore, config)) continue;
            const store = consumer.declaredStore === "default" ? defaultDatabase : consumer.declaredStore;
            const problem = store ? declaredStoreProblem(args.resources, consumer, store) : undeclaredStoreProblem(args.resources, consumer);
            if (problem) report(problem, consumer.resource.urn);
        }
    },
});

const hasTtlField = (resources: readonly PolicyResource[], database: string) =>
    ofType(resources, "gcp:firestore/field:Field").some((f) => (f.props.database ?? defaultDatabase) === database && f.props.ttlConfig);
const memberOf = (consumer: PubsubConsumer) => consumer.serviceAccountEmail && `serviceAccount:${consumer.serviceAccountEmail}`;
const mayWrite = (resources: readonly PolicyResource[], member: string | undefined) =>
    Boolean(member) && ofType(resources, "gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding").some((binding) => {
        const p: Props = binding.props;
        return writerRoles.includes(p.role) && [p.member, ...asList(p.members)].includes(member);
    });

function undeclaredStoreProblem(resources: readonly PolicyResource[], consumer: PubsubConsumer): string | undefined {
    const databases = ofType(resources, "gcp:firestore/database:Database").map((d) => String(d.props.name ?? defaultDatabase));
    if (databases.some((d) => hasTtlField(resources, d)) && mayWrite(resources, memberOf(consumer))) return undefined;
    return undeclaredStoreMessage({
        who: `${consumer.kind} "${consumer.resource.name}"`,
        consumes: `Pub/Sub subscription "${consumer.subscription.resource.name}"`,
        store: "Firestore database with a TTL field in this stack that its service account may write (roles/datastore.user)",
        carrier: { "Cloud Function": "label the function", "Cloud Run service": "label the service", "instance template": "label the instance template" }[consumer.kind],
        consumerName: consumer.resource.name,
        policyName: name,
    });
}

function declaredStoreProblem(resources: readonly PolicyResource[], consumer: PubsubConsumer, store: string): string | undefined {
    const who = `${consumer.kind} "${consumer.resource.name}"`;
    const database = ofType(resources, "gcp:firestore/database:Database").find((d) => d.props.name === store);
    if (!database) {
        return `${who} declares idempotency store "${store}", but no Firestore database named "${store}" is in this stack. Create it with a TTL field, or correct ${idempotencyStoreKey}.`;
    }
    if (!hasTtlField(resources, store)) {
        return `Firestore database "${database.name}", the idempotency store of ${who}, never expires its records. Add a gcp.firestore.Field with ttlConfig: {} on the expiry field of its idempotency collection.`;
    }
    const member = memberOf(consumer);
    if (!mayWrite(resources, member)) {
        return `${who} may not write its idempotency store "${store}": ${member ? `${member} has` : "it runs as no declared service account, so it has"} no roles/datastore.user grant in this stack. Grant roles/datastore.user to its service account (conditioned on the database if you like).`;
    }
    return undefined;
}

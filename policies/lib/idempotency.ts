import type { PolicyConfigSchema, PolicyResource } from "@pulumi/policy";
import { idempotencyStoreKey } from "./declarations";
import { text } from "./stack";

/**
 * The tag (AWS `tags`, Azure `tags`) or label (GCP `labels`) any consumer can carry to declare how
 * it is idempotent, without queuestack components: the value is the physical name of its
 * idempotency store (DynamoDB table, Cosmos DB container id, Firestore database; checked like
 * `QUEUESTACK_IDEMPOTENCY_STORE`), or `external`. One key for every cloud: GCP labels allow no
 * colon and only lowercase letters, digits, `-` and `_`.
 */
export const idempotencyTag = "queuestack-idempotency";

/** The tag value declaring that the store is outside this stack, or that the handler is idempotent by design. */
export const externalIdempotency = "external";

/** Config of the idempotency policies (one per cloud). */
export interface IdempotencyConfig {
    /** Consumers (logical or physical names) known to be idempotent; not checked further. */
    idempotentConsumers: string[];
}

export const idempotencySchema: PolicyConfigSchema = {
    properties: {
        idempotentConsumers: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "Consumers (logical or physical resource names) whose handlers are idempotent by design or guarded by a store outside this stack. They are not checked.",
        },
    },
};

/** What a consumer declares: a store name, `external`, or nothing. */
export function declaredStoreOf(variable: unknown, tags: unknown): string | undefined {
    return text(variable) ?? text((tags as Record<string, unknown> | undefined)?.[idempotencyTag]);
}

/** Whether the consumer is declared idempotent without a store in this stack (tag value `external`, or listed in the config). */
export function declaredExternal(consumer: PolicyResource, declaredStore: string | undefined, config: IdempotencyConfig): boolean {
    if (declaredStore === externalIdempotency) return true;
    const names = [consumer.name, text(consumer.props.name)].filter((n): n is string => n !== undefined);
    return (config.idempotentConsumers ?? []).some((name) => names.includes(name));
}

/**
 * The violation for a consumer that shows no idempotency guard: what it consumes, what store
 * would have been recognised, and the three ways to declare one.
 */
export function undeclaredStoreMessage(parts: { who: string; consumes: string; store: string; carrier: string; consumerName: string; policyName: string }): string {
    return (
        `${parts.who} consumes ${parts.consumes} (at-least-once delivery) and shows no idempotency guard: no ${parts.store}, and no declaration. ` +
        `Guard the handler with such a store, or declare it: ${parts.carrier} "${idempotencyTag}" = <store name> (checked like ${idempotencyStoreKey}), ` +
        `or "${externalIdempotency}" when the store is outside this stack or the handler is idempotent by design; ` +
        `or list "${parts.consumerName}" in idempotentConsumers of the ${parts.policyName} policy config.`
    );
}

import type { PolicyResource } from "@pulumi/policy";
import { isoDurationSeconds, serviceBusEntityTypes, serviceBusLabel } from "./azure";
import { ofType, text } from "./stack";

/**
 * Basic namespaces cap a queue's `defaultMessageTimeToLive` at 14 days and use 14 days when it is
 * not set ("The property value for 'DefaultMessageTimeToLive' must be between 00:00:01 and
 * 14.00:00:00 when the namespace ... is using 'Basic' tier", https://github.com/Azure/azure-service-bus/issues/306).
 * On Standard and Premium an unset TTL is TimeSpan.MaxValue: messages never expire
 * (https://learn.microsoft.com/dotnet/api/azure.messaging.servicebus.administration.createqueueoptions.defaultmessagetimetolive).
 */
export const basicTierMaxTtlSeconds = 14 * 86_400;
/** TimeSpan.MaxValue as Azure reports it (`P10675199DT2H48M5.4775807S`): about 10,675,199 days. */
const neverSeconds = 10_675_199 * 86_400;

/** A Service Bus queue or subscription with the message expiry it really gets. */
export interface ServiceBusExpiry {
    resource: PolicyResource;
    /** `Service Bus queue "orders"`. */
    label: string;
    /** The namespace's SKU (`Basic`, `Standard`, `Premium`) when the namespace is in the stack. */
    tier?: string;
    /** The TTL as set, when set. */
    ttlText?: string;
    /** Seconds until messages expire; undefined when they never do; NaN when the set value is unreadable. */
    ttlSeconds?: number;
    /** True when the TTL is Basic's default (not set on a Basic namespace). */
    basicDefault: boolean;
}

/** The namespace an entity lives in, when it is in the stack. */
function namespaceOf(resources: readonly PolicyResource[], entity: PolicyResource): PolicyResource | undefined {
    const name = text(entity.props.namespaceName);
    return ofType(resources, "azure-native:servicebus:Namespace").find((ns) => name !== undefined && (text(ns.props.namespaceName) ?? text(ns.props.name)) === name);
}

/** Every Service Bus queue and subscription with its effective expiry. */
export function serviceBusExpiries(resources: readonly PolicyResource[]): ServiceBusExpiry[] {
    return ofType(resources, ...serviceBusEntityTypes).map((resource) => {
        const namespace = namespaceOf(resources, resource);
        const tier = text(namespace?.props.sku?.name) ?? text(namespace?.props.sku?.tier);
        const ttlText = text(resource.props.defaultMessageTimeToLive);
        const label = serviceBusLabel(resource.type, resource.name);
        if (ttlText === undefined) {
            const basic = tier === "Basic";
            return { resource, label, tier, ttlSeconds: basic ? basicTierMaxTtlSeconds : undefined, basicDefault: basic };
        }
        const seconds = isoDurationSeconds(ttlText);
        return { resource, label, tier, ttlText, ttlSeconds: seconds === undefined ? Number.NaN : seconds >= neverSeconds ? undefined : seconds, basicDefault: false };
    });
}

import type { PolicyResource } from "@pulumi/policy";
import { serviceBusQueueType } from "./azure";
import { idempotencyStoreKey } from "./declarations";
import { declaredStoreOf } from "./idempotency";
import { asList, ofType, type Props, text } from "./stack";

/** Built-in roles that may receive from Service Bus: Azure Service Bus Data Receiver and Data Owner. */
const receiverRoles = ["4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", "090c5cfd-751d-490a-894a-3ce6f1109419"];

/** A Service Bus queue as the stack policies see it. */
export interface ServiceBusQueue {
    resource: PolicyResource;
    /** Physical queue name (the `EntityName` metric dimension). */
    physicalName: string;
}

/** A worker that may receive from Service Bus: a Function App or VM Scale Set holding a receiver role. */
export interface ServiceBusConsumer {
    resource: PolicyResource;
    kind: "Function App" | "VM Scale Set";
    principalId: string;
    declaredStore?: string;
}

export function serviceBusQueues(resources: readonly PolicyResource[]): ServiceBusQueue[] {
    return ofType(resources, serviceBusQueueType).map((resource) => ({ resource, physicalName: text(resource.props.queueName) ?? text(resource.props.name) ?? resource.name }));
}

/** Whether a metric alert with an action group watches `metricName` for the named entity (or every entity of the namespace). */
export function alertWatchesEntity(alert: PolicyResource, metricName: string, entityName: string): boolean {
    const p: Props = alert.props;
    if (asList(p.actions).length === 0 || p.enabled === false) return false;
    return asList<Props>(p.criteria?.allOf).some((criterion) => {
        if (criterion.metricName !== metricName) return false;
        const entity = asList<Props>(criterion.dimensions).find((d) => d.name === "EntityName");
        return !entity || (entity.operator !== "Exclude" && asList<string>(entity.values).some((v) => v === entityName || v === "*"));
    });
}

/** The principal ids (system- or user-assigned) a resource runs as. */
function principalsOf(resources: readonly PolicyResource[], resource: PolicyResource): string[] {
    const identity: Props = resource.props.identity ?? {};
    const userAssigned = Object.keys(identity.userAssignedIdentities ?? {}).concat(asList(identity.userAssignedIdentities).filter((v): v is string => typeof v === "string"));
    const fromUserAssigned = ofType(resources, "azure-native:managedidentity:UserAssignedIdentity")
        .filter((u) => userAssigned.some((id) => id.toLowerCase() === String(u.props.id ?? "").toLowerCase()))
        .map((u) => text(u.props.principalId));
    return [text(identity.principalId), ...fromUserAssigned].filter((p): p is string => p !== undefined);
}

/** Function Apps and VM Scale Sets whose identity holds a Service Bus receiver role. */
export function serviceBusConsumers(resources: readonly PolicyResource[]): ServiceBusConsumer[] {
    const receivers = new Set(
        ofType(resources, "azure-native:authorization:RoleAssignment")
            .filter((a) => receiverRoles.some((role) => String(a.props.roleDefinitionId ?? "").toLowerCase().endsWith(role)))
            .map((a) => text(a.props.principalId)),
    );
    const candidates = [
        ...ofType(resources, "azure-native:web:WebApp").map((resource) => ({
            resource,
            kind: "Function App" as const,
            declaredStore: declaredStoreOf(
                text(resource.props.tags?.[idempotencyStoreKey]) ??
                    text(asList<Props>(resource.props.siteConfig?.appSettings).find((s) => s.name === idempotencyStoreKey)?.value),
                resource.props.tags,
            ),
        })),
        ...ofType(resources, "azure-native:compute:VirtualMachineScaleSet").map((resource) => ({
            resource,
            kind: "VM Scale Set" as const,
            declaredStore: declaredStoreOf(resource.props.tags?.[idempotencyStoreKey], resource.props.tags),
        })),
    ];
    return candidates.flatMap((c) => {
        const principalId = principalsOf(resources, c.resource).find((p) => receivers.has(p));
        return principalId ? [{ ...c, principalId }] : [];
    });
}

/** Azure storage accounts (azure-native). */
export const storageAccountType = "azure-native:storage:StorageAccount";

/** A storage account's name as other resources refer to it (`accountName`). */
export function storageAccountName(account: PolicyResource): string {
    return text(account.props.accountName) ?? text(account.props.name) ?? account.name;
}

/** Facts about Azure resources shared by the Azure policies. */

export const serviceBusQueueType = "azure-native:servicebus:Queue";
export const serviceBusSubscriptionType = "azure-native:servicebus:Subscription";
/** Service Bus entities that hold messages for consumers. */
export const serviceBusEntityTypes = [serviceBusQueueType, serviceBusSubscriptionType] as const;

/** Service Bus's default delivery count before dead-lettering. */
export const serviceBusDefaultMaxDeliveryCount = 10;

/** What a message calls an entity: `Service Bus queue "orders"` or `Service Bus subscription "audit"`. */
export function serviceBusLabel(type: string, name: string): string {
    return `Service Bus ${type === serviceBusSubscriptionType ? "subscription" : "queue"} "${name}"`;
}

const durationPattern = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Seconds in an ISO 8601 day-time duration (`P14D`, `PT5M`, `P1DT2H`); undefined when unreadable. */
export function isoDurationSeconds(duration: string): number | undefined {
    const match = durationPattern.exec(duration);
    if (!match || duration === "P" || duration.endsWith("T")) return undefined;
    const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
    return days * 86_400 + hours * 3_600 + minutes * 60 + seconds;
}

/** Azure Monitor metric alerts (`monitor` in azure-native 3, `insights` before). */
export const metricAlertTypes = ["azure-native:monitor:MetricAlert", "azure-native:insights:MetricAlert"];

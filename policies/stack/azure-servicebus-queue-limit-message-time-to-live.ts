import { basicTierMaxTtlSeconds, type ServiceBusExpiry, serviceBusExpiries } from "../lib/azure-expiry";
import { stackPolicy } from "../lib/policy";
import { formatSeconds, outsideRange, type RetentionConfig, retentionSchema, secondsPerDay } from "../lib/settings";

/**
 * The TTL a Service Bus queue or subscription really applies lies within configurable bounds
 * (default 1-14 days). Unset, messages never expire on Standard and Premium (a dead consumer
 * hides behind an ever-growing backlog), while Basic expires them after 14 days; so a stack
 * policy, which reads the namespace's tier. Basic refuses a TTL above 14 days at deploy.
 * When the fix is to set a TTL on an entity that drops expired messages, the message asks for
 * dead-lettering on expiration too (azure-servicebus-queue-require-dead-lettering-on-expiration
 * stays silent on entities whose messages never expire, so one cause gives one violation).
 */
export const azureServicebusQueueLimitMessageTimeToLive = stackPolicy<RetentionConfig>({
    name: "azure-servicebus-queue-limit-message-time-to-live",
    description: "Service Bus queues and subscriptions keep unprocessed messages long enough to survive an outage, and not forever (default 1-14 days).",
    enforcementLevel: "mandatory",
    configSchema: retentionSchema,
    validate: ({ args, config, report }) => {
        const entities = serviceBusExpiries(args.resources);
        if (entities.length === 0) return args.notApplicable("No Service Bus queues or subscriptions");
        for (const entity of entities) {
            const problem = ttlProblem(entity, config);
            if (problem) report(problem, entity.resource.urn);
        }
    },
});

function ttlProblem(entity: ServiceBusExpiry, config: RetentionConfig): string | undefined {
    const { minimumRetentionDays: minDays, maximumRetentionDays: maxDays } = config;
    const alsoDeadLetter = entity.resource.props.deadLetteringOnMessageExpiration === true ? "" : ", and deadLetteringOnMessageExpiration: true so expired messages are dead-lettered, not dropped";
    const fix = `Set defaultMessageTimeToLive between "P${minDays}D" and "P${maxDays}D"${alsoDeadLetter}.`;
    const { label, ttlSeconds, ttlText, tier } = entity;
    if (ttlSeconds === undefined) {
        const why = ttlText === undefined
            ? tier === undefined
                ? "defaultMessageTimeToLive is not set, so on a Standard or Premium namespace its messages never expire (Basic expires them after 14 days)"
                : `defaultMessageTimeToLive is not set, so on its ${tier} namespace its messages never expire`
            : `defaultMessageTimeToLive "${ttlText}" means its messages never expire`;
        return `${label}: ${why}; allowed: ${minDays} to ${maxDays} days. ${fix}`;
    }
    if (Number.isNaN(ttlSeconds)) return `${label} has an unreadable defaultMessageTimeToLive "${ttlText}". ${fix}`;
    if (tier === "Basic" && ttlSeconds > basicTierMaxTtlSeconds) {
        return `${label} sets defaultMessageTimeToLive "${ttlText}" on a Basic namespace, which refuses more than 14 days at deploy. Set it to "P14D" or less, or move the namespace to Standard.`;
    }
    if (outsideRange(ttlSeconds, minDays * secondsPerDay, maxDays * secondsPerDay)) {
        return `${label} keeps messages for ${formatSeconds(ttlSeconds)}${entity.basicDefault ? " (Basic's default)" : ""}; allowed: ${minDays} to ${maxDays} days. ${fix}`;
    }
    return undefined;
}

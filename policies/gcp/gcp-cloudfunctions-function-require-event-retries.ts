import { cloudFunctionGen1Type as gen1, cloudFunctionGen2Type as gen2 } from "../lib/gcp";
import { resourcePolicy } from "../lib/policy";
import type { Props } from "../lib/stack";


/**
 * Event-triggered Cloud Functions retry failed events. Without retries (the default) an event
 * whose invocation fails is dropped: acknowledged to Pub/Sub or Eventarc, never retried, and no
 * dead-letter path can catch it. 2nd gen: `eventTrigger.retryPolicy: "RETRY_POLICY_RETRY"`;
 * 1st gen: `eventTrigger.failurePolicy.retry: true`
 * (https://cloud.google.com/functions/docs/bestpractices/retries). Retried events arrive again, so
 * the handler must be idempotent.
 */
export const gcpCloudfunctionsFunctionRequireEventRetries = resourcePolicy<Props>({
    name: "gcp-cloudfunctions-function-require-event-retries",
    description: "Event-triggered Cloud Functions retry failed events instead of dropping them.",
    enforcementLevel: "mandatory",
    types: [gen2, gen1],
    validate: (props, { args, report }) => {
        const trigger = props.eventTrigger;
        if (!trigger) return args.notApplicable("Not event-triggered");
        const event = trigger.eventType ?? "events";
        if (args.type === gen2 && trigger.retryPolicy !== "RETRY_POLICY_RETRY") {
            report(`Cloud Function "${args.name}" does not retry failed ${event} (eventTrigger.retryPolicy ${trigger.retryPolicy ? `"${trigger.retryPolicy}"` : "not set"}), so a failed invocation drops its event and no dead-letter topic can catch it. Set eventTrigger.retryPolicy: "RETRY_POLICY_RETRY" and make the handler idempotent.`);
        }
        if (args.type === gen1 && trigger.failurePolicy?.retry !== true) {
            report(`Cloud Function "${args.name}" does not retry failed ${event} (eventTrigger.failurePolicy.retry not true), so a failed invocation drops its event. Set eventTrigger.failurePolicy: { retry: true } and make the handler idempotent.`);
        }
    },
});

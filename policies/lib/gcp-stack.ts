import type { PolicyResource } from "@pulumi/policy";
import { idempotencyStoreKey, workerTimeoutKey } from "./declarations";
import { declaredStoreOf } from "./idempotency";
import { durationSeconds, pubsubDefaults, pubsubSubscriptionType, topicNameOf } from "./gcp";
import { asList, ofType, type Props, text } from "./stack";

/** Cloud Functions (1st and 2nd gen) default timeout, seconds. */
export const cloudFunctionDefaultTimeoutSeconds = 60;
/** Cloud Run's default request timeout, seconds (https://cloud.google.com/run/docs/configuring/request-timeout). */
export const cloudRunDefaultTimeoutSeconds = 300;

/** A Pub/Sub subscription as the stack policies see it. */
export interface PubsubSubscription {
    resource: PolicyResource;
    /** Physical subscription name (the `subscription_id` monitoring label). */
    physicalName: string;
    /** Short name of the topic it reads. */
    topic: string;
    retentionSeconds: number;
    ackDeadlineSeconds: number;
    /** Short name of its dead-letter topic, when it has one. */
    deadLetterTopic?: string;
    /** True when its topic is another subscription's dead-letter topic. */
    isDeadLetter: boolean;
    pushEndpoint?: string;
}

/** A worker consuming a subscription: a function behind a push subscription, or an instance group autoscaled on it. */
export interface PubsubConsumer {
    resource: PolicyResource;
    kind: "Cloud Function" | "Cloud Run service" | "instance template";
    subscription: PubsubSubscription;
    timeoutSeconds?: number;
    serviceAccountEmail?: string;
    declaredStore?: string;
}

/** Every Pub/Sub subscription in the stack. */
export function pubsubSubscriptions(resources: readonly PolicyResource[]): PubsubSubscription[] {
    const subscriptions = ofType(resources, pubsubSubscriptionType).map((resource) => {
        const p: Props = resource.props;
        const retention = text(p.messageRetentionDuration);
        const deadLetterTopic = text(p.deadLetterPolicy?.deadLetterTopic);
        return {
            resource,
            physicalName: text(p.name) ?? resource.name,
            topic: topicNameOf(String(p.topic ?? "")),
            retentionSeconds: (retention === undefined ? undefined : durationSeconds(retention)) ?? pubsubDefaults.messageRetentionSeconds,
            ackDeadlineSeconds: p.ackDeadlineSeconds ?? pubsubDefaults.ackDeadlineSeconds,
            deadLetterTopic: deadLetterTopic && topicNameOf(deadLetterTopic),
            isDeadLetter: false,
            pushEndpoint: text(p.pushConfig?.pushEndpoint),
        };
    });
    const deadLetterTopics = new Set(subscriptions.map((s) => s.deadLetterTopic).filter(Boolean));
    for (const subscription of subscriptions) subscription.isDeadLetter = deadLetterTopics.has(subscription.topic);
    return subscriptions;
}

/** Matches `subscription_id="<name>"` (or `= <name>`) in a monitoring filter or query. */
function subscriptionLabel(name: string): RegExp {
    return new RegExp(`subscription_id\\s*=\\s*"?${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"?(?=\\s|$|\\))`);
}

/** Whether an alert policy that notifies someone watches `metric` of the named subscription. */
export function alertWatchesSubscription(policy: PolicyResource, metric: string, subscriptionName: string): boolean {
    if (asList(policy.props.notificationChannels).length === 0) return false;
    const label = subscriptionLabel(subscriptionName);
    return asList<Props>(policy.props.conditions).some((condition) =>
        [condition.conditionThreshold?.filter, condition.conditionAbsent?.filter, condition.conditionMonitoringQueryLanguage?.query, condition.conditionPrometheusQueryLanguage?.query]
            .some((query) => typeof query === "string" && query.includes(metric) && label.test(query)),
    );
}

/**
 * How long one attempt of a function's message runs: the message timeout the worker enforces
 * (`QUEUESTACK_WORKER_TIMEOUT_SECONDS` in its environment) when it is shorter than the function's
 * request timeout, else the request timeout. A queuestack push function that lets deliveries wait
 * for a slot (push headroom) has a request timeout of the whole ack deadline, wait included; a
 * program without the variable is judged by its function timeout.
 */
function attemptSeconds(functionTimeoutSeconds: number, environment: Props | undefined): number {
    const declared = text(environment?.[workerTimeoutKey]);
    const messageTimeout = declared !== undefined && /^[1-9][0-9]*$/.test(declared) ? Number(declared) : undefined;
    return messageTimeout === undefined ? functionTimeoutSeconds : Math.min(messageTimeout, functionTimeoutSeconds);
}

/** Every worker consuming one of `subscriptions`. */
export function pubsubConsumers(resources: readonly PolicyResource[], subscriptions: readonly PubsubSubscription[]): PubsubConsumer[] {
    const functions = ofType(resources, "gcp:cloudfunctionsv2/function:Function").flatMap((fn) => {
        const urls = [text(fn.props.url), text(fn.props.serviceConfig?.uri)].filter((u): u is string => u !== undefined);
        const subscription = subscriptions.find((s) => s.pushEndpoint && urls.some((url) => s.pushEndpoint?.startsWith(url)));
        if (!subscription) return [];
        return [{
            resource: fn,
            kind: "Cloud Function" as const,
            subscription,
            timeoutSeconds: attemptSeconds(fn.props.serviceConfig?.timeoutSeconds ?? cloudFunctionDefaultTimeoutSeconds, fn.props.serviceConfig?.environmentVariables),
            serviceAccountEmail: text(fn.props.serviceConfig?.serviceAccountEmail),
            declaredStore: declaredStoreOf(fn.props.serviceConfig?.environmentVariables?.[idempotencyStoreKey], fn.props.labels),
        }];
    });
    return [...functions, ...pushedServices(resources, subscriptions), ...templateConsumers(resources, subscriptions)];
}

/** 1st gen functions (`httpsTriggerUrl`, `timeout` seconds) and Cloud Run services (`uri`, `template.timeout`) behind a push subscription. */
function pushedServices(resources: readonly PolicyResource[], subscriptions: readonly PubsubSubscription[]): PubsubConsumer[] {
    const pushedTo = (url: unknown) => subscriptions.find((s) => s.pushEndpoint && text(url) && s.pushEndpoint.startsWith(String(url)));
    const gen1 = ofType(resources, "gcp:cloudfunctions/function:Function").flatMap((fn) => {
        const subscription = pushedTo(fn.props.httpsTriggerUrl);
        if (!subscription) return [];
        return [{
            resource: fn,
            kind: "Cloud Function" as const,
            subscription,
            timeoutSeconds: attemptSeconds(fn.props.timeout ?? cloudFunctionDefaultTimeoutSeconds, fn.props.environmentVariables),
            serviceAccountEmail: text(fn.props.serviceAccountEmail),
            declaredStore: declaredStoreOf(fn.props.environmentVariables?.[idempotencyStoreKey], fn.props.labels),
        }];
    });
    const run = ofType(resources, "gcp:cloudrunv2/service:Service").flatMap((service) => {
        const subscription = pushedTo(service.props.uri);
        if (!subscription) return [];
        const timeout = text(service.props.template?.timeout);
        return [{
            resource: service,
            kind: "Cloud Run service" as const,
            subscription,
            timeoutSeconds: (timeout && durationSeconds(timeout)) || cloudRunDefaultTimeoutSeconds,
            serviceAccountEmail: text(service.props.template?.serviceAccount),
            declaredStore: declaredStoreOf(undefined, service.props.labels),
        }];
    });
    return [...gen1, ...run];
}

/** Instance templates whose instance group is autoscaled on a subscription's backlog. */
function templateConsumers(resources: readonly PolicyResource[], subscriptions: readonly PubsubSubscription[]): PubsubConsumer[] {
    const groups = ofType(resources, "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", "gcp:compute/instanceGroupManager:InstanceGroupManager");
    const templates = ofType(resources, "gcp:compute/instanceTemplate:InstanceTemplate", "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate");
    return ofType(resources, "gcp:compute/regionAutoscaler:RegionAutoscaler", "gcp:compute/autoscaler:Autoscaler").flatMap((autoscaler) => {
        const filters = asList<Props>(autoscaler.props.autoscalingPolicy?.metrics).map((m) => String(m.filter ?? ""));
        const subscription = subscriptions.find((s) => filters.some((f) => subscriptionLabel(s.physicalName).test(f)));
        const group = groups.find((g) => text(autoscaler.props.target) && [g.props.id, g.props.selfLink].includes(autoscaler.props.target));
        const templateRefs = asList<Props>(group?.props.versions).map((v) => text(v.instanceTemplate)).filter(Boolean);
        const template = templates.find((t) => [t.props.selfLinkUnique, t.props.selfLink, t.props.id].some((ref) => text(ref) && templateRefs.includes(ref)));
        if (!subscription || !template) return [];
        return [{
            resource: template,
            kind: "instance template" as const,
            subscription,
            serviceAccountEmail: text(asList<Props>(template.props.serviceAccount)[0]?.email),
            declaredStore: declaredStoreOf(template.props.metadata?.[idempotencyStoreKey], template.props.labels),
        }];
    });
}

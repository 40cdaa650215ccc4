import type { PolicyResource } from "@pulumi/policy";
import { topicNameOf } from "../lib/gcp";
import { pubsubSubscriptions } from "../lib/gcp-stack";
import { stackPolicy } from "../lib/policy";
import { asList, ofType, type Props } from "../lib/stack";

const serviceAgent = /^serviceAccount:service-\d+@gcp-sa-pubsub\.iam\.gserviceaccount\.com$/;

/**
 * Members that are the Pub/Sub service agent: its well-known address, or the email or member of a
 * `gcp.projects.ServiceIdentity` for pubsub.googleapis.com (how many programs get the agent).
 */
function agentMembers(resources: readonly PolicyResource[]): (member: unknown) => boolean {
    const identities = ofType(resources, "gcp:projects/serviceIdentity:ServiceIdentity")
        .filter((identity) => identity.props.service === "pubsub.googleapis.com")
        .flatMap((identity) => [identity.props.member, identity.props.email && `serviceAccount:${identity.props.email}`])
        .filter((member): member is string => typeof member === "string");
    return (member) => typeof member === "string" && (serviceAgent.test(member) || identities.includes(member));
}

/** Whether the Pub/Sub service agent holds `role` on the named topic or subscription (or on the whole project). */
function agentHolds(resources: readonly PolicyResource[], role: string, kind: "topic" | "subscription", name: string): boolean {
    const isAgent = agentMembers(resources);
    const onTarget = ofType(resources, `gcp:pubsub/${kind}IAMMember:${kind === "topic" ? "Topic" : "Subscription"}IAMMember`, `gcp:pubsub/${kind}IAMBinding:${kind === "topic" ? "Topic" : "Subscription"}IAMBinding`)
        .filter((binding) => topicNameOf(String(binding.props[kind] ?? "")) === name);
    const onProject = ofType(resources, "gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding");
    return [...onTarget, ...onProject].some((binding) => {
        const p: Props = binding.props;
        return p.role === role && [p.member, ...asList(p.members)].some(isAgent);
    });
}

/**
 * Dead-lettering works only when the Pub/Sub service agent
 * (`service-<project number>@gcp-sa-pubsub.iam.gserviceaccount.com`) may publish to the
 * dead-letter topic and subscribe to the source subscription; without them Pub/Sub keeps
 * redelivering and nothing reaches the dead-letter topic.
 */
export const gcpPubsubDeadLetterTopicRequireServiceAgentRoles = stackPolicy({
    name: "gcp-pubsub-dead-letter-topic-require-service-agent-roles",
    description: "The Pub/Sub service agent may publish to each dead-letter topic and subscribe to its source subscription.",
    enforcementLevel: "mandatory",
    validate: ({ args, report }) => {
        const sources = pubsubSubscriptions(args.resources).filter((s) => s.deadLetterTopic);
        if (sources.length === 0) return args.notApplicable("No Pub/Sub subscription with a dead-letter policy");
        const agent = "serviceAccount:service-<project number>@gcp-sa-pubsub.iam.gserviceaccount.com";
        for (const source of sources) {
            const topic = source.deadLetterTopic as string;
            if (!agentHolds(args.resources, "roles/pubsub.publisher", "topic", topic)) {
                report(`The Pub/Sub service agent may not publish to dead-letter topic "${topic}" of subscription "${source.resource.name}", so nothing is dead-lettered. Add a gcp.pubsub.TopicIAMMember: topic "${topic}", role "roles/pubsub.publisher", member "${agent}".`, source.resource.urn);
            }
            if (!agentHolds(args.resources, "roles/pubsub.subscriber", "subscription", source.physicalName)) {
                report(`The Pub/Sub service agent may not acknowledge messages of subscription "${source.resource.name}" after dead-lettering them. Add a gcp.pubsub.SubscriptionIAMMember: subscription "${source.physicalName}", role "roles/pubsub.subscriber", member "${agent}".`, source.resource.urn);
            }
        }
    },
});

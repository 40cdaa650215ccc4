import * as projects from "@pulumi/gcp/projects";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "./context";

/**
 * Google-managed service agents queuestack grants roles to. A service agent exists only once Google
 * has provisioned it, which may be well after its API is enabled; an IAM binding naming an agent that
 * does not exist yet fails ("Service account ... does not exist"). `projects.ServiceIdentity`
 * (Service Usage `services.generateServiceIdentity`) provisions it and returns its email, so every
 * binding takes its member from that resource and is created after it.
 * Sources: https://cloud.google.com/service-usage/docs/reference/rest/v1beta1/services/generateServiceIdentity,
 * https://cloud.google.com/iam/docs/service-agents (Pub/Sub: service-PROJECT_NUMBER@gcp-sa-pubsub;
 * Monitoring notifications: service-PROJECT_NUMBER@gcp-sa-monitoring-notification, generated for
 * `monitoring.googleapis.com`, see https://cloud.google.com/monitoring/support/notification-options#pubsub).
 */
export const serviceAgentServices = {
    /** Dead-letters messages, mints push OIDC tokens. */
    pubsub: "pubsub.googleapis.com",
    /** Publishes alerts to a Pub/Sub notification channel's topic. */
    monitoringNotification: "monitoring.googleapis.com",
} as const;

/** A provisioned service agent, as IAM bindings name it. */
export interface ServiceAgent {
    /** `serviceAccount:<agent email>`; an output of the ServiceIdentity, so bindings wait for it. */
    member: pulumi.Output<string>;
}

/** Provisions the service agent of `service` (creating it is idempotent; destroying it is a no-op). */
export function serviceAgent(name: string, service: keyof typeof serviceAgentServices, opts: pulumi.CustomResourceOptions): ServiceAgent {
    const identity = new projects.ServiceIdentity(name, { service: serviceAgentServices[service] }, opts);
    return { member: identity.member };
}

/**
 * The project's service agents a whole stack grants roles to, provisioned once, before any binding:
 * the Pub/Sub agent (dead-lettering, push tokens) and the Monitoring notification agent (alarm topic).
 */
export class ServiceAgents extends pulumi.ComponentResource {
    readonly pubsub: ServiceAgent;
    readonly monitoringNotification: ServiceAgent;

    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("queuestack:gcp:ServiceAgents", name, {}, opts);
        const parent = childOptions(this, opts);
        this.pubsub = serviceAgent(`${name}-pubsub`, "pubsub", parent);
        this.monitoringNotification = serviceAgent(`${name}-monitoring-notification`, "monitoringNotification", parent);
        this.registerOutputs({ pubsub: this.pubsub.member, monitoringNotification: this.monitoringNotification.member });
    }
}

/** The member given, else a newly provisioned agent's (for role components used on their own). */
export function agentMember(given: ServiceAgent | undefined, name: string, service: keyof typeof serviceAgentServices, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    return (given ?? serviceAgent(name, service, opts)).member;
}

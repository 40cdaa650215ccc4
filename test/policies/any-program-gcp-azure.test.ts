import * as assert from "node:assert/strict";
import * as azure from "@pulumi/azure-native";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { newestRelease } from "../../components/runtimes";
import { azureWebFunctionAppRequireSupportedRuntime as functionAppRuntime } from "../../policies/azure/azure-web-function-app-require-supported-runtime";
import { gcpCloudfunctionsFunctionRequireEventRetries as eventRetries } from "../../policies/gcp/gcp-cloudfunctions-function-require-event-retries";
import { gcpCloudfunctionsFunctionRequireSupportedRuntime as cloudFunctionRuntime } from "../../policies/gcp/gcp-cloudfunctions-function-require-supported-runtime";
import { azureServicebusQueueLimitMessageTimeToLive as timeToLive } from "../../policies/stack/azure-servicebus-queue-limit-message-time-to-live";
import { azureServicebusQueueRequireDeadLetteringOnExpiration as expiryDeadLetters } from "../../policies/stack/azure-servicebus-queue-require-dead-lettering-on-expiration";
import { gcpPubsubDeadLetterTopicRequireServiceAgentRoles as agentRoles } from "../../policies/stack/gcp-pubsub-dead-letter-topic-require-service-agent-roles";
import { gcpPubsubSubscriptionRequireAckDeadlineAboveWorkerTimeout as ackDeadline } from "../../policies/stack/gcp-pubsub-subscription-require-ack-deadline-above-worker-timeout";
import { violationsOf } from "./programs";

/** A Service Bus namespace of `tier` and a queue that sets no TTL and no dead-lettering on expiration, as the quickstarts do. */
const serviceBus = (tier: "Basic" | "Standard") => () => {
    const group = new azure.resources.ResourceGroup("rg");
    const namespace = new azure.servicebus.Namespace("bus", { resourceGroupName: group.name, namespaceName: "bus", sku: { name: tier, tier } });
    new azure.servicebus.Queue("orders", { resourceGroupName: group.name, namespaceName: namespace.name, queueName: "orders" });
};

describe("policies on programs written without queuestack (Azure, Google Cloud)", function () {
    this.timeout(60_000);

    it("Service Bus: an unset TTL passes on Basic (14 days) but dead-letters nothing on expiry; on Standard it is one violation, not two", async () => {
        assert.deepEqual(await violationsOf([timeToLive, expiryDeadLetters], serviceBus("Basic")), [
            'mandatory azure-servicebus-queue-require-dead-lettering-on-expiration orders: Service Bus queue "orders" drops messages that expire unprocessed (after 14 days, Basic\'s default TTL). Set deadLetteringOnMessageExpiration: true.',
        ]);
        assert.deepEqual(await violationsOf([timeToLive, expiryDeadLetters], serviceBus("Standard")), [
            'mandatory azure-servicebus-queue-limit-message-time-to-live orders: Service Bus queue "orders": defaultMessageTimeToLive is not set, so on its Standard namespace its messages never expire; allowed: 1 to 14 days. Set defaultMessageTimeToLive between "P1D" and "P14D", and deadLetteringOnMessageExpiration: true so expired messages are dead-lettered, not dropped.',
        ]);
    });

    it("Pub/Sub: the service agent granted through gcp.projects.ServiceIdentity is recognised", async () => {
        const program = () => {
            const agent = new gcp.projects.ServiceIdentity("pubsub-agent", { service: "pubsub.googleapis.com", project: "demo-project" });
            const member = pulumi.interpolate`serviceAccount:${agent.email}`;
            const topic = new gcp.pubsub.Topic("orders");
            const deadLetters = new gcp.pubsub.Topic("orders-dead-letters");
            const subscription = new gcp.pubsub.Subscription("orders-worker", { topic: topic.name, deadLetterPolicy: { deadLetterTopic: deadLetters.id, maxDeliveryAttempts: 5 } });
            new gcp.pubsub.TopicIAMMember("agent-publishes-dead-letters", { topic: deadLetters.name, role: "roles/pubsub.publisher", member });
            new gcp.pubsub.SubscriptionIAMMember("agent-acks-source", { subscription: subscription.name, role: "roles/pubsub.subscriber", member });
        };
        assert.deepEqual(await violationsOf([agentRoles], program), []);
    });

    it("Pub/Sub: a push subscription whose ack deadline is shorter than the 1st gen function's timeout", async () => {
        // A 1st gen function's URL is provider-computed; the program pushes to it as written here.
        const url = "https://europe-west1-demo-project.cloudfunctions.net/worker";
        const program = (ackDeadlineSeconds: number) => () => {
            new gcp.cloudfunctions.Function("worker", { runtime: newestRelease("gcp-functions").id, entryPoint: "handler", triggerHttp: true, timeout: 60, sourceArchiveBucket: "src", sourceArchiveObject: "worker.zip", httpsTriggerUrl: url } as gcp.cloudfunctions.FunctionArgs);
            const topic = new gcp.pubsub.Topic("orders");
            new gcp.pubsub.Subscription("orders-push", { topic: topic.name, ackDeadlineSeconds, pushConfig: { pushEndpoint: url } });
        };
        assert.deepEqual(await violationsOf([ackDeadline], program(360)), []);
        assert.deepEqual(await violationsOf([ackDeadline], program(30)), [
            'mandatory gcp-pubsub-subscription-require-ack-deadline-above-worker-timeout orders-push: Pub/Sub subscription "orders-push" has an ack deadline of 30 s, below 6 x the 60 s timeout of Cloud Function "worker" that consumes it. Set ackDeadlineSeconds to at least 360.',
        ]);
    });

    it("Pub/Sub: a 2nd gen function without queuestack's message timeout is judged by its own timeout; with it, by the message timeout", async () => {
        const program = (environmentVariables?: Record<string, string>) => () => {
            const fn = new gcp.cloudfunctionsv2.Function("worker", {
                location: "europe-west1",
                buildConfig: { runtime: newestRelease("gcp-functions").id, entryPoint: "handler", source: { storageSource: { bucket: "src", object: "worker.zip" } } },
                serviceConfig: { timeoutSeconds: 300, environmentVariables },
            });
            const topic = new gcp.pubsub.Topic("orders");
            new gcp.pubsub.Subscription("orders-push", { topic: topic.name, ackDeadlineSeconds: 300, pushConfig: { pushEndpoint: fn.url } });
        };
        assert.deepEqual(await violationsOf([ackDeadline], program()), [
            'mandatory gcp-pubsub-subscription-require-ack-deadline-above-worker-timeout orders-push: Pub/Sub subscription "orders-push" has an ack deadline of 300 s, below 6 x the 300 s timeout of Cloud Function "worker" that consumes it. Set ackDeadlineSeconds to at least 600.',
        ]);
        assert.deepEqual(await violationsOf([ackDeadline], program({ APP_MODE: "push" })), [
            'mandatory gcp-pubsub-subscription-require-ack-deadline-above-worker-timeout orders-push: Pub/Sub subscription "orders-push" has an ack deadline of 300 s, below 6 x the 300 s timeout of Cloud Function "worker" that consumes it. Set ackDeadlineSeconds to at least 600.',
        ]);
        assert.deepEqual(await violationsOf([ackDeadline], program({ QUEUESTACK_WORKER_TIMEOUT_SECONDS: "50" })), []);
    });

    it("Cloud Functions: event triggers that do not retry, and deprecated runtimes", async () => {
        const program = (runtime: string, retryPolicy?: string) => () => {
            const topic = new gcp.pubsub.Topic("orders");
            new gcp.cloudfunctionsv2.Function("worker", {
                location: "europe-west1",
                buildConfig: { runtime, entryPoint: "handler", source: { storageSource: { bucket: "src", object: "worker.zip" } } },
                eventTrigger: { eventType: "google.cloud.pubsub.topic.v1.messagePublished", pubsubTopic: topic.id, retryPolicy },
            });
        };
        const newest = newestRelease("gcp-functions").id;
        assert.deepEqual(await violationsOf([eventRetries, cloudFunctionRuntime], program(newest, "RETRY_POLICY_RETRY")), []);
        assert.deepEqual(await violationsOf([eventRetries, cloudFunctionRuntime], program("nodejs18")), [
            'mandatory gcp-cloudfunctions-function-require-event-retries worker: Cloud Function "worker" does not retry failed google.cloud.pubsub.topic.v1.messagePublished (eventTrigger.retryPolicy not set), so a failed invocation drops its event and no dead-letter topic can catch it. Set eventTrigger.retryPolicy: "RETRY_POLICY_RETRY" and make the handler idempotent.',
            `mandatory gcp-cloudfunctions-function-require-supported-runtime worker: Cloud Function "worker" sets buildConfig.runtime "nodejs18" (Cloud Functions): its support ended on 2025-04-30, and Cloud Functions refuses deploys of it once it is decommissioned, so deploying it fails. Set buildConfig.runtime: "${newest}".`,
        ]);
    });

    it("Azure Functions: deprecated Node.js in the Flex, linuxFxVersion and WEBSITE_NODE_DEFAULT_VERSION forms", async () => {
        const app = (name: string, args: Partial<azure.web.WebAppArgs>) => new azure.web.WebApp(name, { resourceGroupName: "rg", kind: "functionapp,linux", ...args });
        const program = (version: string) => () => {
            app("flex", { functionAppConfig: { runtime: { name: "node", version }, deployment: { storage: { type: "blobContainer", value: "https://s.blob.core.windows.net/c", authentication: { type: "SystemAssignedIdentity" } } }, scaleAndConcurrency: { maximumInstanceCount: 40, instanceMemoryMB: 2048 } } });
            app("linux", { siteConfig: { linuxFxVersion: `Node|${version}` } });
            app("windows", { kind: "functionapp", siteConfig: { appSettings: [{ name: "WEBSITE_NODE_DEFAULT_VERSION", value: `~${version}` }] } });
        };
        const newest = newestRelease("azure-functions").id;
        assert.deepEqual(await violationsOf([functionAppRuntime], program(newest)), []);
        const ended = "its support ended on 2025-04-30, and Azure Functions no longer supports it and Flex Consumption drops it from its catalog, so deploying it fails.";
        // Sorted: registration order under mocks follows when each resource's inputs resolve.
        assert.deepEqual((await violationsOf([functionAppRuntime], program("18"))).sort(), [
            `mandatory azure-web-function-app-require-supported-runtime flex: Function App "flex" sets functionAppConfig.runtime.version "18" (Azure Functions): ${ended} Set functionAppConfig.runtime.version to Node.js ${newest}.`,
            `mandatory azure-web-function-app-require-supported-runtime linux: Function App "linux" sets siteConfig.linuxFxVersion "Node|18" (Azure Functions): ${ended} Set siteConfig.linuxFxVersion ("Node|<version>") to Node.js ${newest}.`,
            `mandatory azure-web-function-app-require-supported-runtime windows: Function App "windows" sets app setting WEBSITE_NODE_DEFAULT_VERSION "~18" (Azure Functions): ${ended} Set WEBSITE_NODE_DEFAULT_VERSION ("~<version>") to Node.js ${newest}.`,
        ].sort());
    });
});

import { stackResource } from "./helpers";

const agent = "serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com";
const topicId = (name: string) => `projects/demo-project/topics/${name}`;
const filter = (metric: string, subscription: string) => `metric.type="pubsub.googleapis.com/subscription/${metric}" AND resource.type="pubsub_subscription" AND resource.label.subscription_id="${subscription}"`;

/** A hand-written GCP stack (outputs) that passes every GCP stack policy. */
export function compliantGcpStack() {
    const alert = (name: string, metric: string, subscription: string) =>
        stackResource("gcp:monitoring/alertPolicy:AlertPolicy", name, { notificationChannels: ["projects/demo-project/notificationChannels/ops"], conditions: [{ displayName: name, conditionThreshold: { filter: filter(metric, subscription) } }] });
    return [
        stackResource("gcp:pubsub/topic:Topic", "orders-topic", { name: "orders", id: topicId("orders") }),
        stackResource("gcp:pubsub/topic:Topic", "orders-dlq-topic", { name: "orders-dlq", id: topicId("orders-dlq") }),
        stackResource("gcp:pubsub/subscription:Subscription", "orders", {
            name: "orders",
            topic: topicId("orders"),
            ackDeadlineSeconds: 180,
            messageRetentionDuration: "345600s",
            deadLetterPolicy: { deadLetterTopic: topicId("orders-dlq"), maxDeliveryAttempts: 5 },
            pushConfig: { pushEndpoint: "https://worker-abc-ew.a.run.app", oidcToken: { serviceAccountEmail: "worker@demo-project.iam.gserviceaccount.com" } },
        }),
        stackResource("gcp:pubsub/subscription:Subscription", "orders-dlq", { name: "orders-dlq", topic: topicId("orders-dlq"), messageRetentionDuration: "1209600s" }),
        stackResource("gcp:pubsub/topicIAMMember:TopicIAMMember", "dlq-publisher", { topic: "orders-dlq", role: "roles/pubsub.publisher", member: agent }),
        stackResource("gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember", "dlq-subscriber", { subscription: "orders", role: "roles/pubsub.subscriber", member: agent }),
        alert("orders-dead-letters", "dead_letter_message_count", "orders"),
        alert("orders-backlog-age", "oldest_unacked_message_age", "orders"),
        stackResource("gcp:cloudfunctionsv2/function:Function", "worker", {
            name: "worker",
            url: "https://worker-abc-ew.a.run.app",
            serviceConfig: { timeoutSeconds: 30, serviceAccountEmail: "worker@demo-project.iam.gserviceaccount.com", environmentVariables: { QUEUESTACK_IDEMPOTENCY_STORE: "jobs" } },
        }),
        stackResource("gcp:firestore/database:Database", "jobs", { name: "jobs" }),
        stackResource("gcp:firestore/field:Field", "jobs-ttl", { database: "jobs", collection: "idempotency", field: "expiresAt", ttlConfig: {} }),
        stackResource("gcp:projects/iAMMember:IAMMember", "worker-datastore", { role: "roles/datastore.user", member: "serviceAccount:worker@demo-project.iam.gserviceaccount.com" }),
    ];
}

/** A managed instance group autoscaled on the `orders` backlog, its template declaring the store (metadata) and running as `vm@`. */
export function gcpInstanceGroupWorker(metadata: Record<string, string> = { QUEUESTACK_IDEMPOTENCY_STORE: "jobs" }) {
    const templateLink = "https://www.googleapis.com/compute/v1/projects/demo-project/global/instanceTemplates/vm-template-1?uniqueId=42";
    return [
        stackResource("gcp:compute/instanceTemplate:InstanceTemplate", "vm-template", { selfLinkUnique: templateLink, metadata, serviceAccount: { email: "vm@demo-project.iam.gserviceaccount.com", scopes: ["cloud-platform"] } }),
        stackResource("gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", "vm-group", { id: "projects/demo-project/regions/europe-west1/instanceGroupManagers/vm-group", versions: [{ name: "primary", instanceTemplate: templateLink }] }),
        stackResource("gcp:compute/regionAutoscaler:RegionAutoscaler", "vm-autoscaler", {
            target: "projects/demo-project/regions/europe-west1/instanceGroupManagers/vm-group",
            autoscalingPolicy: { metrics: [{ name: "pubsub.googleapis.com/subscription/num_undelivered_messages", filter: 'resource.type = pubsub_subscription AND resource.labels.subscription_id = "orders"', singleInstanceAssignment: 100 }] },
        }),
        stackResource("gcp:projects/iAMMember:IAMMember", "vm-datastore", { role: "roles/datastore.user", member: "serviceAccount:vm@demo-project.iam.gserviceaccount.com" }),
    ];
}

const receiverRole = "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0";

/** A hand-written Azure stack (outputs) that passes every Azure stack policy. */
export function compliantAzureStack() {
    const alert = (name: string, metricName: string) =>
        stackResource("azure-native:monitor:MetricAlert", name, {
            enabled: true,
            actions: [{ actionGroupId: "/subscriptions/0/resourceGroups/rg/providers/microsoft.insights/actionGroups/ops" }],
            criteria: { odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria", allOf: [{ metricName, dimensions: [{ name: "EntityName", operator: "Include", values: ["orders"] }] }] },
        });
    return [
        stackResource("azure-native:servicebus:Queue", "orders", { queueName: "orders", namespaceName: "bus", deadLetteringOnMessageExpiration: true }),
        alert("orders-dead-letters", "DeadletteredMessages"),
        alert("orders-backlog", "ActiveMessages"),
        stackResource("azure-native:web:WebApp", "worker", {
            identity: { type: "SystemAssigned", principalId: "principal-worker" },
            siteConfig: { appSettings: [{ name: "QUEUESTACK_IDEMPOTENCY_STORE", value: "jobs" }] },
        }),
        stackResource("azure-native:authorization:RoleAssignment", "worker-receive", { principalId: "principal-worker", roleDefinitionId: receiverRole }),
        stackResource("azure-native:cosmosdb:SqlResourceSqlContainer", "jobs", { resource: { id: "jobs", defaultTtl: 86_400 } }),
        stackResource("azure-native:cosmosdb:SqlResourceSqlRoleAssignment", "worker-jobs", { principalId: "principal-worker", roleDefinitionId: "/x/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002" }),
    ];
}

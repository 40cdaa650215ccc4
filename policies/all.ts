import type { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { awsLambdaEventSourceMappingRequirePartialBatchFailures } from "./aws/aws-lambda-event-source-mapping-require-partial-batch-failures";
import { awsSqsQueueLimitMaxReceiveCount } from "./aws/aws-sqs-queue-limit-max-receive-count";
import { awsSqsQueueLimitMessageRetention } from "./aws/aws-sqs-queue-limit-message-retention";
import { awsSqsQueueRequireEncryptionAtRest } from "./aws/aws-sqs-queue-require-encryption-at-rest";
import { awsSqsQueueRequireFifoDeadLetterQueue } from "./aws/aws-sqs-queue-require-fifo-dead-letter-queue";
import { azureServicebusNamespaceRequireMinimumTls } from "./azure/azure-servicebus-namespace-require-minimum-tls";
import { azureServicebusQueueLimitMaxDeliveryCount } from "./azure/azure-servicebus-queue-limit-max-delivery-count";
import { azureServicebusQueueLimitMessageTimeToLive } from "./azure/azure-servicebus-queue-limit-message-time-to-live";
import { azureServicebusQueueRequireDeadLetteringOnExpiration } from "./azure/azure-servicebus-queue-require-dead-lettering-on-expiration";
import { azureServicebusQueueRequireDuplicateDetection } from "./azure/azure-servicebus-queue-require-duplicate-detection";
import { gcpPubsubSubscriptionLimitMaxDeliveryAttempts } from "./gcp/gcp-pubsub-subscription-limit-max-delivery-attempts";
import { gcpPubsubSubscriptionLimitMessageRetention } from "./gcp/gcp-pubsub-subscription-limit-message-retention";
import { gcpPubsubSubscriptionRequireAuthenticatedPush } from "./gcp/gcp-pubsub-subscription-require-authenticated-push";
import { gcpPubsubSubscriptionRequireExactlyOnceDelivery } from "./gcp/gcp-pubsub-subscription-require-exactly-once-delivery";
import { awsSqsConsumerRequireIdempotencyStore } from "./stack/aws-sqs-consumer-require-idempotency-store";
import { awsSqsDeadLetterQueueRequireDepthAlarm } from "./stack/aws-sqs-dead-letter-queue-require-depth-alarm";
import { awsSqsDeadLetterQueueRequireLongerRetention } from "./stack/aws-sqs-dead-letter-queue-require-longer-retention";
import { awsSqsQueueRequireBacklogAgeAlarm } from "./stack/aws-sqs-queue-require-backlog-age-alarm";
import { awsSqsQueueRequireDeadLetterQueue } from "./stack/aws-sqs-queue-require-dead-letter-queue";
import { awsSqsQueueRequireFifoDeduplication } from "./stack/aws-sqs-queue-require-fifo-deduplication";
import { awsSqsQueueRequireTlsOnlyAccess } from "./stack/aws-sqs-queue-require-tls-only-access";
import { awsSqsQueueRequireVisibilityTimeoutAboveWorkerTimeout } from "./stack/aws-sqs-queue-require-visibility-timeout-above-worker-timeout";
import { azureServicebusConsumerRequireIdempotencyStore } from "./stack/azure-servicebus-consumer-require-idempotency-store";
import { azureServicebusQueueRequireBacklogAlarm } from "./stack/azure-servicebus-queue-require-backlog-alarm";
import { azureServicebusQueueRequireDeadLetterAlarm } from "./stack/azure-servicebus-queue-require-dead-letter-alarm";
import { gcpPubsubConsumerRequireIdempotencyStore } from "./stack/gcp-pubsub-consumer-require-idempotency-store";
import { gcpPubsubDeadLetterSubscriptionRequireDepthAlarm } from "./stack/gcp-pubsub-dead-letter-subscription-require-depth-alarm";
import { gcpPubsubDeadLetterSubscriptionRequireLongerRetention } from "./stack/gcp-pubsub-dead-letter-subscription-require-longer-retention";
import { gcpPubsubDeadLetterTopicRequireServiceAgentRoles } from "./stack/gcp-pubsub-dead-letter-topic-require-service-agent-roles";
import { gcpPubsubDeadLetterTopicRequireSubscription } from "./stack/gcp-pubsub-dead-letter-topic-require-subscription";
import { gcpPubsubSubscriptionRequireAckDeadlineAboveWorkerTimeout } from "./stack/gcp-pubsub-subscription-require-ack-deadline-above-worker-timeout";
import { gcpPubsubSubscriptionRequireBacklogAgeAlarm } from "./stack/gcp-pubsub-subscription-require-backlog-age-alarm";
import { gcpPubsubSubscriptionRequireDeadLetterPolicy } from "./stack/gcp-pubsub-subscription-require-dead-letter-policy";

/** The pack's name, as `pulumi preview --policy-pack policies` reports it. */
export const policyPackName = "queuestack";

/** Policies that check one resource at a time, on its inputs. */
export const resourcePolicies: ResourceValidationPolicy[] = [
    awsSqsQueueLimitMaxReceiveCount,
    awsSqsQueueLimitMessageRetention,
    awsSqsQueueRequireEncryptionAtRest,
    awsSqsQueueRequireFifoDeadLetterQueue,
    awsLambdaEventSourceMappingRequirePartialBatchFailures,
    azureServicebusNamespaceRequireMinimumTls,
    azureServicebusQueueLimitMaxDeliveryCount,
    azureServicebusQueueLimitMessageTimeToLive,
    azureServicebusQueueRequireDeadLetteringOnExpiration,
    azureServicebusQueueRequireDuplicateDetection,
    gcpPubsubSubscriptionLimitMaxDeliveryAttempts,
    gcpPubsubSubscriptionLimitMessageRetention,
    gcpPubsubSubscriptionRequireExactlyOnceDelivery,
    gcpPubsubSubscriptionRequireAuthenticatedPush,
];

/** Policies that look across the whole stack, on resource outputs. */
export const stackPolicies: StackValidationPolicy[] = [
    awsSqsQueueRequireDeadLetterQueue,
    awsSqsDeadLetterQueueRequireLongerRetention,
    awsSqsQueueRequireFifoDeduplication,
    awsSqsQueueRequireVisibilityTimeoutAboveWorkerTimeout,
    awsSqsDeadLetterQueueRequireDepthAlarm,
    awsSqsQueueRequireBacklogAgeAlarm,
    awsSqsConsumerRequireIdempotencyStore,
    awsSqsQueueRequireTlsOnlyAccess,
    azureServicebusQueueRequireDeadLetterAlarm,
    azureServicebusQueueRequireBacklogAlarm,
    azureServicebusConsumerRequireIdempotencyStore,
    gcpPubsubSubscriptionRequireDeadLetterPolicy,
    gcpPubsubDeadLetterTopicRequireSubscription,
    gcpPubsubDeadLetterTopicRequireServiceAgentRoles,
    gcpPubsubDeadLetterSubscriptionRequireLongerRetention,
    gcpPubsubSubscriptionRequireAckDeadlineAboveWorkerTimeout,
    gcpPubsubDeadLetterSubscriptionRequireDepthAlarm,
    gcpPubsubSubscriptionRequireBacklogAgeAlarm,
    gcpPubsubConsumerRequireIdempotencyStore,
];

/** Every policy of the pack. Importing this module constructs no PolicyPack and starts no server. */
export const allPolicies: Policies = [...resourcePolicies, ...stackPolicies];

// From the module that declares them: @pulumi/policy's index.d.ts (1.21) re-exports two names its
// proxy.d.ts does not declare, which a consumer type-checking with skipLibCheck: false would see.
import type { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy/policy";
import { azureWebFunctionAppRequireSupportedRuntime } from "./azure/azure-web-function-app-require-supported-runtime";
import { gcpCloudfunctionsFunctionRequireSupportedRuntime } from "./gcp/gcp-cloudfunctions-function-require-supported-runtime";
import { gcpCloudfunctionsFunctionRequireEventRetries } from "./gcp/gcp-cloudfunctions-function-require-event-retries";
import { awsLambdaFunctionRequireSupportedRuntime } from "./aws/aws-lambda-function-require-supported-runtime";
import { awsLambdaFunctionLimitEnvironmentSize } from "./aws/aws-lambda-function-limit-environment-size";
import { awsLambdaEventSourceMappingLimitFifoBatchingWindow } from "./aws/aws-lambda-event-source-mapping-limit-fifo-batching-window";
import { awsLambdaPermissionRequireSourceArn } from "./aws/aws-lambda-permission-require-source-arn";
import { awsSqsQueueRequireSenderPermission } from "./stack/aws-sqs-queue-require-sender-permission";
import { awsSqsQueueRequireSingleQueuePolicy } from "./stack/aws-sqs-queue-require-single-queue-policy";
import { awsSqsQueueLimitLambdaMaxReceiveCount } from "./stack/aws-sqs-queue-limit-lambda-max-receive-count";
import { awsLambdaEventSourceMappingRequirePartialBatchFailures } from "./aws/aws-lambda-event-source-mapping-require-partial-batch-failures";
import { awsSnsTopicSubscriptionRequireRawMessageDelivery } from "./aws/aws-sns-topic-subscription-require-raw-message-delivery";
import { awsSqsQueueLimitMaxReceiveCount } from "./aws/aws-sqs-queue-limit-max-receive-count";
import { awsSqsQueueLimitMessageRetention } from "./aws/aws-sqs-queue-limit-message-retention";
import { awsSqsQueuePolicyRequireSourceArn } from "./aws/aws-sqs-queue-policy-require-source-arn";
import { awsSqsQueueRequireEncryptionAtRest } from "./aws/aws-sqs-queue-require-encryption-at-rest";
import { awsSqsQueueRequireFifoDeadLetterQueue } from "./aws/aws-sqs-queue-require-fifo-dead-letter-queue";
import { azureServicebusNamespaceRequireMinimumTls } from "./azure/azure-servicebus-namespace-require-minimum-tls";
import { azureServicebusQueueLimitMaxDeliveryCount } from "./azure/azure-servicebus-queue-limit-max-delivery-count";
import { azureServicebusQueueRequireDuplicateDetection } from "./azure/azure-servicebus-queue-require-duplicate-detection";
import { gcpCloudtasksQueueLimitRetryAttempts } from "./gcp/gcp-cloudtasks-queue-limit-retry-attempts";
import { gcpPubsubSubscriptionLimitMaxDeliveryAttempts } from "./gcp/gcp-pubsub-subscription-limit-max-delivery-attempts";
import { gcpPubsubSubscriptionLimitMessageRetention } from "./gcp/gcp-pubsub-subscription-limit-message-retention";
import { gcpPubsubSubscriptionRequireAuthenticatedPush } from "./gcp/gcp-pubsub-subscription-require-authenticated-push";
import { gcpPubsubSubscriptionRequireExactlyOnceDelivery } from "./gcp/gcp-pubsub-subscription-require-exactly-once-delivery";
import { gcpStorageBucketRequireObjectExpiration } from "./gcp/gcp-storage-bucket-require-object-expiration";
import { gcpStorageBucketRequirePublicAccessPrevention } from "./gcp/gcp-storage-bucket-require-public-access-prevention";
import { awsS3BucketRequireObjectExpiration } from "./stack/aws-s3-bucket-require-object-expiration";
import { awsS3BucketRequirePublicAccessBlock } from "./stack/aws-s3-bucket-require-public-access-block";
import { awsSchedulerRoleLimitToSqsSendMessage } from "./stack/aws-scheduler-role-limit-to-sqs-send-message";
import { awsSnsTopicSubscriptionRequireDeadLetterQueue } from "./stack/aws-sns-topic-subscription-require-dead-letter-queue";
import { awsSqsConsumerRequireIdempotencyStore } from "./stack/aws-sqs-consumer-require-idempotency-store";
import { awsSqsDeadLetterQueueRequireDepthAlarm } from "./stack/aws-sqs-dead-letter-queue-require-depth-alarm";
import { awsSqsDeadLetterQueueRequireLongerRetention } from "./stack/aws-sqs-dead-letter-queue-require-longer-retention";
import { awsSqsQueueRequireBacklogAgeAlarm } from "./stack/aws-sqs-queue-require-backlog-age-alarm";
import { awsSqsQueueRequireDeadLetterQueue } from "./stack/aws-sqs-queue-require-dead-letter-queue";
import { awsSqsQueueRequireFifoDeduplication } from "./stack/aws-sqs-queue-require-fifo-deduplication";
import { awsSqsQueueRequireTlsOnlyAccess } from "./stack/aws-sqs-queue-require-tls-only-access";
import { awsSqsQueueRequireVisibilityTimeoutAboveWorkerTimeout } from "./stack/aws-sqs-queue-require-visibility-timeout-above-worker-timeout";
import { azureServicebusConsumerRequireIdempotencyStore } from "./stack/azure-servicebus-consumer-require-idempotency-store";
import { azureServicebusQueueLimitMessageTimeToLive } from "./stack/azure-servicebus-queue-limit-message-time-to-live";
import { azureServicebusQueueRequireDeadLetteringOnExpiration } from "./stack/azure-servicebus-queue-require-dead-lettering-on-expiration";
import { azureServicebusQueueRequireBacklogAlarm } from "./stack/azure-servicebus-queue-require-backlog-alarm";
import { azureServicebusQueueRequireDeadLetterAlarm } from "./stack/azure-servicebus-queue-require-dead-letter-alarm";
import { azureServicebusTopicRequireDeadLetterAlarm } from "./stack/azure-servicebus-topic-require-dead-letter-alarm";
import { azureStorageAccountRequireObjectExpiration } from "./stack/azure-storage-account-require-object-expiration";
import { azureStorageAccountRequirePrivateBlobs } from "./stack/azure-storage-account-require-private-blobs";
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
    azureServicebusQueueRequireDuplicateDetection,
    gcpPubsubSubscriptionLimitMaxDeliveryAttempts,
    gcpPubsubSubscriptionLimitMessageRetention,
    gcpPubsubSubscriptionRequireExactlyOnceDelivery,
    gcpPubsubSubscriptionRequireAuthenticatedPush,
    awsSnsTopicSubscriptionRequireRawMessageDelivery,
    awsSqsQueuePolicyRequireSourceArn,
    gcpCloudtasksQueueLimitRetryAttempts,
    gcpStorageBucketRequireObjectExpiration,
    gcpStorageBucketRequirePublicAccessPrevention,
    awsLambdaFunctionRequireSupportedRuntime,
    awsLambdaFunctionLimitEnvironmentSize,
    awsLambdaEventSourceMappingLimitFifoBatchingWindow,
    awsLambdaPermissionRequireSourceArn,
    azureWebFunctionAppRequireSupportedRuntime,
    gcpCloudfunctionsFunctionRequireSupportedRuntime,
    gcpCloudfunctionsFunctionRequireEventRetries,
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
    awsSnsTopicSubscriptionRequireDeadLetterQueue,
    awsSchedulerRoleLimitToSqsSendMessage,
    awsS3BucketRequireObjectExpiration,
    awsS3BucketRequirePublicAccessBlock,
    azureServicebusTopicRequireDeadLetterAlarm,
    azureStorageAccountRequireObjectExpiration,
    azureStorageAccountRequirePrivateBlobs,
    azureServicebusQueueLimitMessageTimeToLive,
    azureServicebusQueueRequireDeadLetteringOnExpiration,
    awsSqsQueueRequireSenderPermission,
    awsSqsQueueRequireSingleQueuePolicy,
    awsSqsQueueLimitLambdaMaxReceiveCount,
];

/** Every policy of the pack. Importing this module constructs no PolicyPack and starts no server. */
export const allPolicies: Policies = [...resourcePolicies, ...stackPolicies];

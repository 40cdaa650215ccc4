/**
 * How a stack declares facts that infrastructure alone cannot show, so stack policies can verify
 * them. These are the only conventions the pack relies on; everything else is read from the
 * providers' own resource properties.
 *
 * **Idempotency store** (`idempotencyStoreKey`). Every worker that consumes an at-least-once queue
 * names the store its idempotency guard writes to, under the key `QUEUESTACK_IDEMPOTENCY_STORE`:
 *
 * | worker | where the key goes | value |
 * |---|---|---|
 * | AWS Lambda function | `environment.variables` | DynamoDB table name |
 * | AWS Auto Scaling group | a tag (`tags[].key`) | DynamoDB table name |
 * | Azure Function App (`web:WebApp`) | a tag (or `siteConfig.appSettings[].name`) | Cosmos DB container name |
 * | Azure VM Scale Set | a tag | Cosmos DB container name |
 * | GCP Cloud Function gen2 | `serviceConfig.environmentVariables` | Firestore database name |
 * | GCP instance template | `metadata` | Firestore database name |
 *
 * The value is the store's physical name. The idempotency stack policies then check that the store
 * exists in the same stack, expires its records (TTL), and that the worker's identity may write it.
 * Workers read the same variable at run time, so the declaration is the real wiring, not a label.
 */
export const idempotencyStoreKey = "QUEUESTACK_IDEMPOTENCY_STORE";

/**
 * **Message timeout** (`workerTimeoutKey`): the seconds one attempt may run, in the worker's
 * environment (the runtime stops the handler then). A GCP push function that makes deliveries wait
 * for a slot (push headroom) has a request timeout as long as the ack deadline (wait plus run); the
 * ack-deadline policy reads this variable from `serviceConfig.environmentVariables` as the attempt
 * length, and the function's timeout when the variable is absent.
 */
export const workerTimeoutKey = "QUEUESTACK_WORKER_TIMEOUT_SECONDS";

/**
 * AWS FIFO queues that deduplicate on sender-supplied `MessageDeduplicationId`s instead of content
 * carry the tag `queuestack:deduplication = messageId` (SQS cannot show which one senders use).
 */
export const deduplicationTagKey = "queuestack:deduplication";
export const senderDeduplicationTagValue = "messageId";

/**
 * Buckets and storage accounts that hold claim-checked message bodies (`largeMessages` in the spec)
 * carry this tag (S3 bucket `tags`, Azure storage account `tags`) or label (GCS bucket `labels`)
 * with the value `"true"`. One key for every cloud: GCS labels allow no colon. The claim-check
 * policies (object expiry, no public access) apply to these stores only.
 */
export const claimCheckStoreTag = "queuestack-claim-check";

/** The tag or label that declares a claim-check store, as a record to spread into tags or labels. */
export const claimCheckStoreMark = { [claimCheckStoreTag]: "true" } as const;

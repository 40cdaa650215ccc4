/**
 * The declarations stack policies rely on, defined once beside the components that write them
 * (see components/declarations.ts for the conventions).
 */
export { deduplicationTagKey, idempotencyStoreKey, senderDeduplicationTagValue } from "../../components/declarations";

/**
 * Buckets and storage accounts that hold claim-checked message bodies (`largeMessages` in the
 * spec) carry this tag (S3 bucket `tags`, Azure storage account `tags`) or label (GCS bucket
 * `labels`) with the value `"true"`. One key for every cloud: GCS labels allow no colon. The claim
 * check policies (object expiry, no public access) apply to these stores only.
 */
export const claimCheckStoreTag = "queuestack-claim-check";

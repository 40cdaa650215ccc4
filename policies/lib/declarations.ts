/**
 * The declarations stack policies rely on, defined once beside the components that write them
 * (see components/declarations.ts for the conventions).
 */
export { claimCheckStoreTag, deduplicationTagKey, idempotencyStoreKey, senderDeduplicationTagValue, workerTimeoutKey } from "../../components/declarations";

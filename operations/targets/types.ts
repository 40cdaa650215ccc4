import type { Cloud } from "../../components/spec";

/** A queue's vital signs at one moment. Fields a target cannot measure are undefined. */
export interface QueueStatus {
    /** Messages waiting to be received. */
    visible: number;
    /** Messages received and not yet deleted (unknown on azure and gcp). */
    inFlight?: number;
    /** Age of the oldest waiting message in seconds; 0 when empty; undefined when the target has no measure yet. */
    oldestAgeSeconds?: number;
    /** Messages in the dead-letter queue. */
    deadLetters: number;
}

/** What a message carries besides the platform's bookkeeping: what a redrive must keep. */
export interface MessageContent {
    body: string;
    /** Application attributes (aws: message attributes; azure: application properties; gcp: attributes). */
    attributes: Record<string, string>;
    /** FIFO group (aws: MessageGroupId; azure: session id; gcp: ordering key; local: group key). */
    groupKey?: string;
    /** Deduplication id (aws: MessageDeduplicationId; azure: message id; local: deduplication id). */
    deduplicationId?: string;
    /** The target's own attribute values (aws: typed MessageAttributes), sent back as they came by the same target. */
    nativeAttributes?: unknown;
}

/** A message in a dead-letter queue, as the operator sees it. */
export interface DeadLetterMessage extends MessageContent {
    id: string;
    /** Deliveries before it was dead-lettered, when the target records it. */
    attempts?: number;
    /** Why it was dead-lettered, when the target records it. */
    reason?: string;
    /** When it was first sent. */
    sentAt?: Date;
}

/** A dead letter taken (hidden/locked) from the dead-letter queue, with the handle that settles it. */
export interface TakenMessage extends DeadLetterMessage {
    /** aws: receipt handle; azure: the locked message; gcp: ack id; local: the id. */
    handle: unknown;
    /**
     * The earliest time a copy may be sent back, when sending it sooner would lose it (aws FIFO:
     * the source drops a deduplication id it saw in the last 5 minutes as a duplicate).
     */
    notBefore?: Date;
    /**
     * Why this dead letter must never be sent back as a job, when so (aws: an EventBridge Scheduler
     * dead-letter event that does not carry the delayed job). A redrive leaves it where it is.
     */
    unredrivable?: string;
}

/**
 * One reader of a dead-letter queue. Messages taken stay hidden from other readers until they are
 * removed or released. `take` returns them oldest first (per group, in order, on FIFO queues).
 */
export interface DeadLetterReader {
    take(max: number): Promise<TakenMessage[]>;
    /** Deletes taken messages from the dead-letter queue. */
    remove(messages: TakenMessage[]): Promise<void>;
    /** Makes taken messages visible in the dead-letter queue again; called once, last, by every user of a reader. */
    release(messages: TakenMessage[]): Promise<void>;
    /**
     * The target's own move back to the source queue, used instead of send-then-remove when
     * present (local: the engine's redrive, which also keeps the message id).
     */
    moveBack?(messages: TakenMessage[]): Promise<void>;
}

/** The operations one target (a cloud or the local engine) offers for the stack's queues. */
export interface OpsTarget {
    readonly cloud: Cloud;
    status(queue: string): Promise<QueueStatus>;
    /** Opens a reader on the queue's dead-letter queue. */
    deadLetters(queue: string): DeadLetterReader;
    /** Sends messages to the source queue, in order, keeping every field of MessageContent. Returns their ids. */
    send(queue: string, messages: MessageContent[]): Promise<string[]>;
    /** Deletes every message in the dead-letter queue; returns how many, when the target says. */
    purgeDeadLetters(queue: string): Promise<number | undefined>;
    close(): Promise<void>;
}

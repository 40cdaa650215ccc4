import { googleApi, type GoogleApiCall } from "../../workers/gcp/google-api";
import type { Emulator } from "../emulators/process";
import { ofType, stringInput, type PlannedResource } from "../plan";

/** The emulator's longest subscription retention (the cloud allows 31 days). */
export const emulatorMaxRetentionSeconds = 7 * 24 * 3600;

/** A planned subscription as stood up on the emulator. */
export interface PlannedSubscription {
    /** `projects/<p>/subscriptions/<name>`. */
    name: string;
    topic: string;
    /** The planned push endpoint (a function's URL), or undefined for a pull subscription (VM workers, dead letters). */
    pushEndpoint?: string;
    /** The planned OIDC token of push deliveries. */
    oidcToken?: { serviceAccountEmail?: string; audience?: string };
    deadLetterTopic?: string;
    maxDeliveryAttempts?: number;
    ackDeadlineSeconds: number;
}

/** The planned Pub/Sub and Firestore resources on the emulators. */
export interface GcpStandUp {
    project: string;
    pubsub: GoogleApiCall;
    firestore: GoogleApiCall;
    subscriptions: PlannedSubscription[];
    /** Resource types stood up, with counts. */
    created: Map<string, number>;
    /** Where the emulators take less than the plan, one line each. */
    limits: string[];
}

const seconds = (duration: string | undefined) => (duration ? Number(duration.replace(/s$/, "")) : undefined);

/**
 * Creates the planned topics and subscriptions on the Pub/Sub emulator with their planned ack
 * deadlines, retention, ordering, exactly-once and dead-letter policies (push subscriptions as pull
 * ones: the rehearsal delivers their push envelopes itself), reads each back to confirm the emulator
 * holds what was planned, and points a Firestore client at the planned database.
 */
export async function standUpGcp(project: string, pubsubEmulator: Emulator, firestoreEmulator: Emulator, resources: PlannedResource[]): Promise<GcpStandUp> {
    const pubsub = googleApi({ baseUrl: "https://pubsub.googleapis.com", emulatorHost: pubsubEmulator.hostPort });
    const firestore = googleApi({ baseUrl: "https://firestore.googleapis.com", emulatorHost: firestoreEmulator.hostPort });
    const created = new Map<string, number>();
    const count = (type: string) => created.set(type, (created.get(type) ?? 0) + 1);
    const limits = new Set<string>();
    // The emulators outlive one stack (a pool): what an earlier rehearsal of the same names left goes first.
    const forget = (path: string) => pubsub("DELETE", path).catch(() => undefined);
    for (const sub of ofType(resources, "gcp:pubsub/subscription:Subscription")) await forget(`projects/${project}/subscriptions/${stringInput(sub, "name")}`);
    for (const topic of ofType(resources, "gcp:pubsub/topic:Topic")) await forget(`projects/${project}/topics/${stringInput(topic, "name")}`);
    for (const topic of ofType(resources, "gcp:pubsub/topic:Topic")) {
        await pubsub("PUT", `projects/${project}/topics/${stringInput(topic, "name")}`, {});
        count(topic.type);
    }
    const subscriptions: PlannedSubscription[] = [];
    for (const sub of ofType(resources, "gcp:pubsub/subscription:Subscription")) {
        const name = `projects/${project}/subscriptions/${stringInput(sub, "name")}`;
        const inputs = sub.inputs as {
            topic: string;
            ackDeadlineSeconds?: number;
            messageRetentionDuration?: string;
            enableMessageOrdering?: boolean;
            enableExactlyOnceDelivery?: boolean;
            deadLetterPolicy?: { deadLetterTopic: string; maxDeliveryAttempts?: number };
            retryPolicy?: { minimumBackoff?: string; maximumBackoff?: string };
            pushConfig?: { pushEndpoint: string; oidcToken?: { serviceAccountEmail?: string; audience?: string } };
        };
        const retention = seconds(inputs.messageRetentionDuration);
        if (retention !== undefined && retention > emulatorMaxRetentionSeconds) {
            limits.add(`retention over 7 days (${stringInput(sub, "name")}: ${inputs.messageRetentionDuration}) stood up as 604800s: the emulator refuses more ("message_retention_duration out of bounds"); Pub/Sub allows 31 days`);
        }
        if (inputs.retryPolicy) {
            limits.add(`retry backoff (${inputs.retryPolicy.minimumBackoff}-${inputs.retryPolicy.maximumBackoff}) left out: on the emulator it spaces the planned attempts minutes apart; redeliveries here follow at once`);
        }
        const body = {
            topic: inputs.topic,
            ...(inputs.ackDeadlineSeconds !== undefined ? { ackDeadlineSeconds: inputs.ackDeadlineSeconds } : {}),
            ...(retention !== undefined ? { messageRetentionDuration: `${Math.min(retention, emulatorMaxRetentionSeconds)}s` } : {}),
            ...(inputs.enableMessageOrdering ? { enableMessageOrdering: true } : {}),
            ...(inputs.enableExactlyOnceDelivery ? { enableExactlyOnceDelivery: true } : {}),
            ...(inputs.deadLetterPolicy ? { deadLetterPolicy: inputs.deadLetterPolicy } : {}),
        };
        await pubsub("PUT", name, body);
        // Read back: the emulator holds the planned dead-letter policy and ack deadline, or the row fails here.
        const held = await pubsub<typeof body>("GET", name);
        for (const [what, planned, actual] of [
            ["ackDeadlineSeconds", body.ackDeadlineSeconds, held.ackDeadlineSeconds],
            ["deadLetterPolicy.maxDeliveryAttempts", body.deadLetterPolicy?.maxDeliveryAttempts, held.deadLetterPolicy?.maxDeliveryAttempts],
            ["deadLetterPolicy.deadLetterTopic", body.deadLetterPolicy?.deadLetterTopic, held.deadLetterPolicy?.deadLetterTopic],
        ] as const) {
            if (planned !== undefined && planned !== actual) throw new Error(`${name}: planned ${what} ${planned}, the emulator holds ${actual}`);
        }
        subscriptions.push({
            name,
            topic: inputs.topic,
            pushEndpoint: inputs.pushConfig?.pushEndpoint,
            oidcToken: inputs.pushConfig?.oidcToken,
            deadLetterTopic: inputs.deadLetterPolicy?.deadLetterTopic,
            maxDeliveryAttempts: inputs.deadLetterPolicy?.maxDeliveryAttempts,
            ackDeadlineSeconds: inputs.ackDeadlineSeconds ?? 10,
        });
        count(sub.type);
    }
    for (const database of ofType(resources, "gcp:firestore/database:Database")) {
        // The emulator serves any database id on first use: emptied (its own reset API), then a read proves it answers.
        const reset = await fetch(`${firestoreEmulator.endpoint}/emulator/v1/projects/${project}/databases/${stringInput(database, "name")}/documents`, { method: "DELETE" });
        if (!reset.ok) throw new Error(`the Firestore emulator refused to empty database ${stringInput(database, "name")}: ${reset.status} ${await reset.text()}`);
        await firestore("POST", `projects/${project}/databases/${stringInput(database, "name")}/documents:runQuery`, { structuredQuery: { from: [{ collectionId: "results" }], limit: 1 } });
        count(database.type);
    }
    if (ofType(resources, "gcp:firestore/field:Field").length) limits.add("Firestore TTL policies (firestore Field ttlConfig): the emulator never expires documents");
    return { project, pubsub, firestore, subscriptions, created, limits: [...limits] };
}

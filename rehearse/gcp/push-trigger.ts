import { acknowledge, modifyAckDeadline, pull, type ReceivedMessage } from "../../workers/gcp/pubsub-api";
import type { GoogleApiCall } from "../../workers/gcp/google-api";
import { lastError, type FunctionHost, type HttpCall } from "../function-host";
import type { PlannedSubscription } from "./stand-up";

/** A planned push subscription and the function at its planned endpoint. */
export interface PushTrigger {
    subscription: PlannedSubscription;
    functionName: string;
    host: FunctionHost;
}

/** What one delivery round did. */
export interface PushRound {
    delivered: number;
    /** Messages refused (non-2xx): Pub/Sub redelivers them, or dead-letters after the planned attempts. */
    nacked: { messageId: string; attempt?: number }[];
    errors: string[];
}

/** An unsigned JWT with the planned OIDC claims (the function does not check it; Cloud Run's invoker check would). */
function oidcToken(subscription: PlannedSubscription): string {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    return `${part({ alg: "none", typ: "JWT" })}.${part({ iss: "https://accounts.google.com", aud: subscription.oidcToken?.audience ?? subscription.pushEndpoint, email: subscription.oidcToken?.serviceAccountEmail, iat: now, exp: now + 3600 })}.`;
}

/**
 * The push request Pub/Sub sends for one delivery (wrapped payload): POST to the planned endpoint
 * with `{ message, subscription, deliveryAttempt }` (deliveryAttempt only with a dead-letter policy)
 * and a bearer token for the planned OIDC identity.
 * https://cloud.google.com/pubsub/docs/push#receive_push
 */
export function pushRequest(subscription: PlannedSubscription, received: ReceivedMessage): HttpCall {
    const message = { ...received.message, message_id: received.message.messageId, publish_time: received.message.publishTime };
    return {
        method: "POST",
        path: new URL(subscription.pushEndpoint!).pathname,
        headers: { "content-type": "application/json", "user-agent": "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)", ...(subscription.oidcToken ? { authorization: `Bearer ${oidcToken(subscription)}` } : {}) },
        body: JSON.stringify({ message, subscription: subscription.name, ...(received.deliveryAttempt !== undefined ? { deliveryAttempt: received.deliveryAttempt } : {}) }),
    };
}

/**
 * One push round, as Pub/Sub's push delivery does it: each outstanding message is POSTed on its
 * own; a 2xx answer acknowledges it, anything else (or no answer within the ack deadline) hands it
 * back for redelivery.
 */
export async function pushOnce(trigger: PushTrigger, pubsub: GoogleApiCall, onDelivery: (body: string, messageId: string) => void): Promise<PushRound> {
    const received = await pull(pubsub, trigger.subscription.name, 10, { returnImmediately: true });
    const round: PushRound = { delivered: received.length, nacked: [], errors: [] };
    await Promise.all(
        received.map(async (r) => {
            onDelivery(Buffer.from(r.message.data ?? "", "base64").toString("utf8"), r.message.messageId);
            const outcome = await trigger.host.invoke(pushRequest(trigger.subscription, r));
            const status = outcome.ok ? (outcome.result as { statusCode: number }).statusCode : 0;
            if (status >= 200 && status < 300) return void (await acknowledge(pubsub, trigger.subscription.name, [r.ackId]));
            if (!outcome.ok) round.errors.push(`${trigger.functionName} failed: ${outcome.error.split("\n")[0]}`);
            else if (status >= 500 && status !== 503 && !String((outcome.result as { body?: string }).body).includes('"dead-letter"')) {
                const said = lastError(trigger.host.logs(), true);
                round.errors.push(`${trigger.functionName} answered ${status}: ${(outcome.result as { body?: string }).body}${said ? ` (its log: ${said})` : ""}`);
            }
            round.nacked.push({ messageId: r.message.messageId, attempt: r.deliveryAttempt });
            await modifyAckDeadline(pubsub, trigger.subscription.name, [r.ackId], 0);
        }),
    );
    return round;
}

import type { Env } from "../runtime";
import { type GoogleApiCall, googleApi } from "./google-api";
import { type Publication, wireMessage } from "./pubsub-api";

/** Where delayed publishes are scheduled (QUEUESTACK_DELAY, from the DelayScheduler component). */
export interface DelaySettings {
    /** `projects/<p>/locations/<l>/queues/<q>`: the Cloud Tasks queue. */
    queue: string;
    /** The account whose OAuth token the publish request carries; it may publish to the level topics. */
    serviceAccountEmail: string;
}

/** A Cloud Tasks REST client (v2); `CLOUD_TASKS_EMULATOR_HOST` points it at a local server. */
export function cloudTasksApi(env: Env): GoogleApiCall {
    return googleApi({ baseUrl: "https://cloudtasks.googleapis.com", version: "v2", emulatorHost: env.CLOUD_TASKS_EMULATOR_HOST });
}

/**
 * Largest body a delayed message carries as it is, bytes. A Cloud Tasks task holds at most 100 KB
 * and carries the publish request base64-encoded (4/3 larger) with its attributes, so larger
 * bodies are claim-checked (or refused with 413 when the claim check is off).
 */
export const maxDelayedBodyBytes = 64 * 1024;

/** The OAuth scope the task's token is minted with: Pub/Sub only. */
const pubsubScope = "https://www.googleapis.com/auth/pubsub";

/**
 * The `tasks.create` request body for publishing `publication` to `topic` in `delaySeconds`: an
 * HTTP task scheduled at the due time that POSTs the Pub/Sub publish REST call, authenticated
 * with an OAuth token of `serviceAccountEmail` (Cloud Tasks mints it; the caller needs
 * iam.serviceAccounts.actAs on that account).
 */
export function delayedPublishTask(topic: string, publication: Publication, delaySeconds: number, serviceAccountEmail: string, now: Date) {
    const publishRequest = JSON.stringify({ messages: [wireMessage(publication)] });
    return {
        task: {
            scheduleTime: new Date(now.getTime() + delaySeconds * 1000).toISOString(),
            httpRequest: {
                httpMethod: "POST",
                url: `https://pubsub.googleapis.com/v1/${topic}:publish`,
                headers: { "Content-Type": "application/json" },
                body: Buffer.from(publishRequest, "utf8").toString("base64"),
                oauthToken: { serviceAccountEmail, scope: pubsubScope },
            },
        },
    };
}

/** Schedules `publication` to be published to `topic` after `delaySeconds`; resolves the task's name. */
export async function scheduleDelayedPublish(
    api: GoogleApiCall,
    settings: DelaySettings,
    topic: string,
    publication: Publication,
    delaySeconds: number,
    now: Date = new Date(),
): Promise<string> {
    const task = await api<{ name: string }>("POST", `${settings.queue}/tasks`, delayedPublishTask(topic, publication, delaySeconds, settings.serviceAccountEmail, now));
    return task.name;
}

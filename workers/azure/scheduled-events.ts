import type { TerminationNotice } from "../runtime";

/** One entry of the Scheduled Events document (the fields read here). */
interface ScheduledEvent {
    EventId: string;
    /** Freeze, Reboot, Redeploy, Preempt or Terminate. */
    EventType: string;
    /** The instances the event applies to, by name (the instance metadata's compute `name`). */
    Resources?: string[];
}

const scheduledEventsPath = "/metadata/scheduledevents?api-version=2020-07-01";

/**
 * A scale set instance's termination notice, from Azure Instance Metadata Service Scheduled Events
 * ("Azure Metadata Service: Scheduled Events for Linux VMs"; "Terminate notification for Azure
 * Virtual Machine Scale Set instances"). With the scale set's `scheduledEventsProfile.
 * terminateNotificationProfile` enabled, deleting an instance (scale-in) first posts a `Terminate`
 * event naming it, and the deletion waits until the event's NotBefore (notBeforeTimeout) or until
 * the instance approves the event (`StartRequests` with its EventId), whichever comes first. Events
 * of one placement group reach every instance of it, so only events whose Resources name this
 * instance count. A `Preempt` (Spot eviction) is treated the same way.
 */
export class ScheduledEvents implements TerminationNotice {
    private name: string | undefined;
    private pending: string[] = [];

    /**
     * @param endpoint the instance metadata service (QUEUESTACK_METADATA_ENDPOINT, for tests and the
     * rehearsal). @default http://169.254.169.254
     */
    constructor(private readonly endpoint = "http://169.254.169.254") {}

    async terminating(): Promise<boolean> {
        this.name ??= await this.instanceName();
        const document = (await (await this.call("GET", scheduledEventsPath)).json()) as { Events?: ScheduledEvent[] };
        const mine = (document.Events ?? []).filter((e) => (e.EventType === "Terminate" || e.EventType === "Preempt") && (e.Resources ?? []).includes(this.name!));
        this.pending = mine.map((e) => e.EventId);
        return mine.length > 0;
    }

    /** Approves this instance's termination events, so the deletion goes ahead before NotBefore. */
    async approve(): Promise<void> {
        if (this.pending.length === 0) return;
        await this.call("POST", scheduledEventsPath, JSON.stringify({ StartRequests: this.pending.map((EventId) => ({ EventId })) }));
    }

    /** The instance's name as Scheduled Events lists it (compute `name`, e.g. `vmss-worker_3`). */
    private async instanceName(): Promise<string> {
        const name = (await (await this.call("GET", "/metadata/instance/compute/name?api-version=2021-02-01&format=text")).text()).trim();
        if (!name) throw new Error("instance metadata: compute name is empty");
        return name;
    }

    private async call(method: "GET" | "POST", path: string, body?: string): Promise<Response> {
        const response = await fetch(`${this.endpoint.replace(/\/+$/, "")}${path}`, {
            method,
            headers: { Metadata: "true", ...(body ? { "content-type": "application/json" } : {}) },
            ...(body ? { body } : {}),
            signal: AbortSignal.timeout(5000),
        });
        if (!response.ok) throw new Error(`instance metadata: ${method} ${path} answered ${response.status}`);
        return response;
    }
}

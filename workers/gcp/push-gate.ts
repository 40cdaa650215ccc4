import { type Env, requireInteger } from "../runtime";

/**
 * Admission inside one function instance: at most `slots` deliveries run at once; later ones wait
 * (first come, first served) up to `maxWaitMs` for a slot. The instance accepts more push requests
 * than it runs (the function's maxInstanceRequestConcurrency), so a burst waits here instead of
 * being refused by Cloud Run with 429, which Pub/Sub counts as a failed delivery attempt.
 */
export class PushGate {
    private running = 0;
    private readonly waiting: (() => void)[] = [];

    constructor(
        readonly slots: number,
        readonly maxWaitMs: number,
    ) {}

    /** Runs `work` in a slot and resolves `{ ran: true, value }`, or `{ ran: false }` when no slot freed within maxWaitMs. */
    async run<T>(work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
        if (this.running >= this.slots && !(await this.slot())) return { ran: false };
        this.running++;
        try {
            return { ran: true, value: await work() };
        } finally {
            this.running--;
            this.waiting.shift()?.();
        }
    }

    /** Deliveries running now and waiting for a slot. */
    get load() {
        return { running: this.running, waiting: this.waiting.length };
    }

    /** Waits for a freed slot; false once maxWaitMs has passed. */
    private slot(): Promise<boolean> {
        return new Promise((resolve) => {
            const wake = () => {
                clearTimeout(timer);
                resolve(true);
            };
            const timer = setTimeout(() => {
                this.waiting.splice(this.waiting.indexOf(wake), 1);
                resolve(false);
            }, this.maxWaitMs);
            this.waiting.push(wake);
        });
    }
}

/** The instance's gate from QUEUESTACK_PUSH_SLOTS and QUEUESTACK_PUSH_MAX_WAIT_SECONDS (set by the FunctionWorker component). */
export function pushGateFromEnv(env: Env): PushGate {
    const slots = requireInteger(env, "QUEUESTACK_PUSH_SLOTS", "deliveries one function instance runs at once", { min: 1, max: 1000 });
    const waitSeconds = requireInteger(env, "QUEUESTACK_PUSH_MAX_WAIT_SECONDS", "how long a delivery may wait in the instance for a slot", { min: 0, max: 3600 });
    return new PushGate(slots, waitSeconds * 1000);
}

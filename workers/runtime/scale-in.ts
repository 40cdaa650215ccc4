import type { Logger } from "./log";

/** What the scale-in guard needs of a VM consumer (a poller or receiver). */
export interface Drainable<Counts = unknown> {
    /** Runs until stopped; resolves once drained. */
    run(): Promise<void>;
    /** Stops receiving and drains: running messages finish or go back to the queue. */
    stop(): Promise<Counts>;
}

/**
 * How a cloud tells an instance it is being removed by its autoscaler, each read from the
 * instance metadata service: AWS the Auto Scaling target lifecycle state (workers/aws/scale-in.ts),
 * Azure the scale set's Terminate scheduled event (workers/azure/scheduled-events.ts).
 */
export interface TerminationNotice {
    /** True once this instance has been chosen for removal. Throws when the metadata service fails. */
    terminating(): Promise<boolean>;
    /** Tells the platform the instance is drained and may go now. @default none: it goes when its notice ends */
    approve?(): Promise<void>;
}

export interface ScaleInGuardOptions<Counts> {
    /** The consumer to drain. */
    service: Drainable<Counts>;
    notice: TerminationNotice;
    logger: Logger;
    /** Milliseconds between reads of the notice. @default 5000 */
    checkEveryMs?: number;
}

/**
 * Runs a VM consumer until its instance is chosen for scale-in, then drains it: the platform
 * holds the instance for a while (AWS: the termination lifecycle hook's heartbeat timeout; Azure:
 * the scale set's terminate notification, notBeforeTimeout) and says so through its metadata
 * service. The guard then stops receiving, lets running messages finish (or returns them to the
 * queue at the drain deadline), approves the removal where the platform takes an approval, and
 * stays idle, so the service manager does not restart a fresh consumer on an instance that is
 * going away. `stop()` (SIGTERM) ends it as before.
 */
export class ScaleInGuard<Counts = unknown> {
    private stopped = false;
    private release: () => void = () => undefined;
    private readonly held = new Promise<void>((resolve) => (this.release = resolve));
    private timer: NodeJS.Timeout | undefined;
    /** True once a scale-in was seen: the consumer drains (or has drained) for it. Set before the drain, so run() stays idle after it. */
    drainedForScaleIn = false;

    constructor(private readonly guard: ScaleInGuardOptions<Counts>) {}

    async run(): Promise<void> {
        this.watch();
        await this.guard.service.run();
        if (this.drainedForScaleIn && !this.stopped) await this.held;
    }

    async stop(): Promise<Counts> {
        this.stopped = true;
        clearTimeout(this.timer);
        this.release();
        return this.guard.service.stop();
    }

    private watch(): void {
        const { notice, logger, service } = this.guard;
        const every = this.guard.checkEveryMs ?? 5000;
        const check = async () => {
            if (this.stopped) return;
            try {
                if (await notice.terminating()) {
                    this.drainedForScaleIn = true;
                    logger.info({}, "scale-in: this instance is terminating; draining and receiving no more");
                    await service.stop();
                    await this.approve();
                    return;
                }
            } catch (error) {
                logger.warn({ err: error }, "scale-in: could not read the termination notice; will retry");
            }
            if (!this.stopped) this.timer = setTimeout(() => void check(), every);
        };
        void check();
    }

    /** Approves the removal, retrying a failed call a few times; the notice's timeout ends it otherwise. */
    private async approve(): Promise<void> {
        const { notice, logger } = this.guard;
        if (!notice.approve) return;
        for (let tries = 1; tries <= 3; tries++) {
            try {
                await notice.approve();
                logger.info({}, "scale-in: drained; removal approved");
                return;
            } catch (error) {
                logger.warn({ err: error, tries }, "scale-in: could not approve the removal");
            }
        }
    }
}

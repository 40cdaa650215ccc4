/** Sleeps `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Spaces work out to at most `perSecond` items per second (no limit when undefined): `take(n)`
 * waits until n more items may go. Bursts are not saved up: an idle pause does not buy speed later.
 */
export class RateLimiter {
    private nextAt = 0;

    constructor(
        private readonly perSecond: number | undefined,
        private readonly now: () => number = Date.now,
        private readonly wait: (ms: number) => Promise<void> = sleep,
    ) {}

    async take(count: number): Promise<void> {
        if (!this.perSecond || count <= 0) return;
        const now = this.now();
        const start = Math.max(now, this.nextAt);
        this.nextAt = start + (count * 1000) / this.perSecond;
        if (start > now) await this.wait(start - now);
    }
}

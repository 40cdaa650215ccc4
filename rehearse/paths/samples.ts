import { randomUUID } from "node:crypto";

/** The messages the paths send. */
export interface Samples {
    /** A body the worker completes. */
    good: object;
    /** A body the worker cannot process (it must end in the dead-letter queue with a reason). */
    poison: object;
    /**
     * A body the worker completes that no earlier message shares (its own idempotency key), for the
     * paths that time or wait for one job. @default `good`
     */
    fresh?(): object;
}

/**
 * Bodies for the demo scraper (workers/example): an article page on the rehearsal's own fixture
 * site (with a unique query when a fresh job is needed), and a URL that is no URL. Each run's poison body is unique, so it is told apart in a DLQ.
 */
export const demoSamples = (articleUrl: string): Samples => ({
    good: { url: articleUrl },
    poison: { url: `not a url ${randomUUID()}` },
    // The scraper's idempotency key is the URL: a query makes it another job of the same page.
    fresh: () => ({ url: `${articleUrl}?rehearsal=${randomUUID()}` }),
});

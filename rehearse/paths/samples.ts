import { randomUUID } from "node:crypto";

/** The messages the paths send. */
export interface Samples {
    /** A body the worker completes. */
    good: object;
    /** A body the worker cannot process (it must end in the dead-letter queue with a reason). */
    poison: object;
}

/**
 * Bodies for the demo scraper (workers/example): an article page on the rehearsal's own fixture
 * site, and a URL that is no URL. Each run's poison body is unique, so it is told apart in a DLQ.
 */
export const demoSamples = (articleUrl: string): Samples => ({ good: { url: articleUrl }, poison: { url: `not a url ${randomUUID()}` } });

/**
 * One spec valid on every cloud, used by the output contract and each cloud's whole-stack suite:
 * a standard and a FIFO queue, a function worker and a VM worker, alarms with an email.
 */
export const everyCloudSpec = {
    name: "portfolio",
    queues: [
        { name: "scrape", processingTimeSeconds: 20 },
        { name: "publish", ordering: "fifo" as const, retentionDays: 7 },
    ],
    workers: [
        { name: "scraper", queue: "scrape", kind: "function" as const, timeoutSeconds: 30, concurrency: 5 },
        { name: "publisher", queue: "publish", kind: "vm" as const, scaling: { min: 0, max: 4 } },
    ],
    alarms: { email: "ops@example.com" },
};

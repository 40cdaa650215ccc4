import type { GcpCodeSource } from "../../components/gcp";
import type { PlannedResource } from "../../components/testing/offline";
import { ofType, one } from "../helpers/resources";

/** Stand-in bundles: these suites check wiring, the bundler has its own tests. */
export const code: GcpCodeSource = {
    pushWorker: (module) => `// push worker for ${module}`,
    frontEnd: () => "// front end",
    vmPoller: (module) => `// poller for ${module}`,
};

/**
 * A stack with every pattern: `scrape` (function worker, levels 3:1:1, default normal) and
 * `render` (VM worker, levels high/low, delays up to a day) both fed by topic `events`, `audit`
 * (function worker, fifo with group and dedup keys) and the claim check.
 */
export const patternSpec = {
    name: "shop",
    queues: [
        {
            name: "scrape",
            priorities: { levels: [{ name: "high", weight: 3 }, { name: "normal", weight: 1 }, { name: "low", weight: 1 }], defaultLevel: "normal" },
        },
        { name: "render", maxDelaySeconds: 86_400, maxMessageKb: 128, priorities: { levels: [{ name: "high", weight: 2 }, { name: "low", weight: 1 }], promoteAfterSeconds: 120 } },
        { name: "audit", ordering: "fifo" as const, deduplication: "messageId" as const, groupKey: "body.account", deduplicationKey: "body.eventId" },
    ],
    workers: [
        { name: "scraper", queue: "scrape", kind: "function" as const, concurrency: 10 },
        { name: "renderer", queue: "render", kind: "vm" as const, concurrency: 8 },
        { name: "auditor", queue: "audit", kind: "vm" as const },
    ],
    topics: [{ name: "events", subscribers: ["scrape", "render"] }],
    frontEnd: { maxBodyKb: 1024, maxWaitSeconds: 20 },
    largeMessages: { enabled: true },
};

/** Inputs of every resource of `type` by physical `name` input. */
export const byName = (resources: PlannedResource[], type: string) => new Map(ofType(resources, type).map((r) => [r.inputs.name as string, r.inputs as any]));

/** The environment of the one function named `name`. */
export const functionEnvironment = (resources: PlannedResource[], name: string) => byName(resources, "gcp:cloudfunctionsv2/function:Function").get(name).serviceConfig.environmentVariables;

/** The worker environment file lines of VM worker component `worker`'s startup script, as a map. */
export function vmEnvironment(resources: PlannedResource[], worker: string): Map<string, string> {
    const template = one(resources, "gcp:compute/instanceTemplate:InstanceTemplate", `${worker}-template`);
    const script: string = (template.inputs as any).metadata["startup-script"];
    const lines = [...script.matchAll(/^(QUEUESTACK_[A-Z_]+)=("(?:[^"\\]|\\.)*")$/gm)];
    return new Map(lines.map((m) => [m[1]!, JSON.parse(m[2]!) as string]));
}

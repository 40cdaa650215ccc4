import { strict as assert } from "node:assert";
import { AwsWebQueueWorker } from "../../components/aws/stack";
import { type SpecInput, validateSpec } from "../../components/spec";
import { runOffline } from "../../components/testing/offline";
import { ofType, one } from "../helpers/resources";
import { routingTable } from "./package-files";

/** Lambda's limit on all environment variables of a function together (keys and values). */
const lambdaEnvironmentBytes = 4 * 1024;

/** A name of exactly `length` characters that the spec's name rule accepts. */
const nameOf = (prefix: string, length: number) => `${prefix}${"x".repeat(length)}`.slice(0, length - 1) + "z";
/** A body path of `fields` long fields (the schema bounds neither their number nor their length). */
const longPath = (fields: number) => `body.${Array.from({ length: fields }, (_, i) => `field_${i}_${"k".repeat(40)}`).join(".")}`;

/**
 * The largest stack the schema accepts where the front end's routing grows: 20 queues with the
 * longest names (ten with five priority levels and 30-day delays, ten FIFO with long body keys),
 * 20 topics each feeding every standard queue, the claim check, waiting, the longest stack name.
 */
const queues = Array.from({ length: 20 }, (_, i) => {
    const name = nameOf(`q${String(i).padStart(2, "0")}`, 30);
    return i < 10
        ? { name, maxDelaySeconds: 2_592_000, priorities: { levels: ["p1", "p2", "p3", "p4", "p5"].map((l) => ({ name: nameOf(l, 10), weight: 100 })) } }
        : { name, ordering: "fifo" as const, deduplication: "messageId" as const, groupKey: longPath(20), deduplicationKey: longPath(20) };
});
const largest = {
    name: nameOf("big", 20),
    frontEnd: { maxWaitSeconds: 25, maxBodyKb: 3000 },
    queues,
    topics: Array.from({ length: 20 }, (_, i) => ({ name: nameOf(`t${String(i).padStart(2, "0")}`, 30), subscribers: queues.filter((q) => !("ordering" in q)).map((q) => q.name) })),
    largeMessages: { enabled: true, maxBodyMb: 2 },
    // A worker's environment depends only on its queue: one on a five-level queue, one on a FIFO queue cover every shape.
    workers: [queues[0]!, queues[10]!].map((q, i) => ({ name: nameOf(`w${i}`, 30), queue: q.name, kind: "function" as const })),
} satisfies SpecInput;

const environmentBytes = (variables: Record<string, string>) =>
    Object.entries(variables).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);

describe("aws front end environment within Lambda's 4 KB", function () {
    this.timeout(120_000);

    it("keeps every function's environment under 4 KB for the largest spec the schema accepts, the routing table in the package", async () => {
        assert.doesNotThrow(() => validateSpec(largest, "aws"), "the spec is one the schema and rules accept");
        const { resources } = await runOffline(() => new AwsWebQueueWorker(largest.name, { spec: largest }), { stack: nameOf("a-long-stack-name", 60) });
        const functions = ofType(resources, "aws:lambda/function:Function");
        assert.equal(functions.length, 3, "two workers and the front end");
        const sizes = functions.map((fn) => [fn.name, environmentBytes((fn.inputs.environment as { variables: Record<string, string> }).variables)] as const);
        const over = sizes.filter(([, bytes]) => bytes > lambdaEnvironmentBytes);
        assert.deepEqual(over, [], `largest: ${Math.max(...sizes.map(([, b]) => b))} bytes`);

        const front = one(resources, "aws:lambda/function:Function", `${largest.name}-front-end-function`);
        const routes = await routingTable(front);
        assert.equal(Object.keys(routes.QUEUESTACK_QUEUES).length, 20);
        assert.equal(Object.keys(routes.QUEUESTACK_TOPICS ?? {}).length, 20);
        assert.equal(routes.QUEUESTACK_QUEUES[queues[0]!.name].levels.length, 5);
        // What the environment would have had to carry: far beyond the limit, hence the file.
        const routingBytes = Buffer.byteLength(JSON.stringify(routes.QUEUESTACK_QUEUES)) + Buffer.byteLength(JSON.stringify(routes.QUEUESTACK_TOPICS));
        assert.ok(routingBytes > 10 * lambdaEnvironmentBytes, `routing table: ${routingBytes} bytes`);
    });
});

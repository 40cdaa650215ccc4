import { strict as assert } from "node:assert";
import { SpecError, checkSpec, formatIssue, validateSpec } from "../../components/spec";

const base = { name: "portfolio", queues: [{ name: "scrape" }], workers: [{ name: "scraper", queue: "scrape" }] };
const problems = (input: unknown, cloud: "aws" | "azure" = "azure") => checkSpec(input, cloud).issues.map(formatIssue);

describe("azure spec rules", () => {
    it("defaults to a Standard Service Bus namespace in a new resource group", () => {
        assert.deepEqual(validateSpec(base, "azure").azure, { serviceBusTier: "standard" });
    });

    it("rejects the Basic tier when a queue needs sessions or duplicate detection, naming each queue", () => {
        const spec = {
            ...base,
            azure: { serviceBusTier: "basic" },
            queues: [{ name: "scrape" }, { name: "publish", ordering: "fifo" }, { name: "notify", deduplication: "messageId" }],
        };
        assert.deepEqual(problems(spec), [
            'azure.serviceBusTier: must be standard or premium: queue "publish" needs sessions (ordering: fifo) and duplicate detection (deduplication); ' +
                'queue "notify" needs duplicate detection (deduplication) (got "basic"). Set azure.serviceBusTier to standard (Basic has no sessions, ' +
                "duplicate detection or topics), or drop ordering and deduplication from those queues.",
        ]);
    });

    it("accepts the Basic tier for plain queues, and ignores the tier on other clouds", () => {
        assert.equal(validateSpec({ ...base, azure: { serviceBusTier: "basic" } }, "azure").azure.serviceBusTier, "basic");
        assert.deepEqual(problems({ ...base, azure: { serviceBusTier: "basic" }, queues: [{ name: "scrape", ordering: "fifo" }] }, "aws"), []);
    });

    it("rejects fan-out topics on the Basic tier (it has no topics) and accepts them on Standard, with a delay Service Bus schedules natively", () => {
        const spec = { ...base, queues: [{ name: "scrape", maxDelaySeconds: 2_592_000 }], topics: [{ name: "events", subscribers: ["scrape"] }] };
        assert.deepEqual(problems({ ...spec, azure: { serviceBusTier: "basic" } }), [
            'topics[0].name: needs the standard or premium Service Bus tier on azure (Basic has no topics) (got "events"). Set azure.serviceBusTier to standard.',
        ]);
        assert.deepEqual(problems(spec), []);
    });

    it("keeps messages at most 14 days on the Basic tier", () => {
        assert.deepEqual(problems({ ...base, azure: { serviceBusTier: "basic" }, queues: [{ name: "scrape", retentionDays: 20, deadLetter: { retentionDays: 30 } }] }), [
            "queues[0].retentionDays: must be at most 14 on the Basic Service Bus tier (got 20). Lower it to 14 days or less, or set azure.serviceBusTier to standard.",
        ]);
        assert.deepEqual(problems({ ...base, queues: [{ name: "scrape", retentionDays: 20, deadLetter: { retentionDays: 30 } }] }), []);
    });

    it("caps an explicit lock duration at 5 minutes and says that lock renewal covers longer work", () => {
        const spec = { ...base, queues: [{ name: "scrape", processingTimeSeconds: 20, visibilityTimeoutSeconds: 900 }] };
        assert.deepEqual(problems(spec), [
            "queues[0].visibilityTimeoutSeconds: must be at most 300 on azure (got 900). Service Bus locks last at most 5 minutes; " +
                "the worker renews its lock for longer work, so lower it to 300 or less.",
        ]);
    });

    it("allows processing longer than the lock on azure (renewal), unlike clouds without it", () => {
        const spec = { ...base, queues: [{ name: "scrape", processingTimeSeconds: 1200 }], workers: [{ name: "scraper", queue: "scrape", kind: "vm" }] };
        assert.deepEqual(problems(spec), []);
    });

    it("rejects unknown tiers and malformed resource group names with one line each", () => {
        const error = (() => {
            try {
                validateSpec({ ...base, azure: { serviceBusTier: "free", resourceGroupName: "rg/with/slashes" } }, "azure");
            } catch (e) {
                return e as SpecError;
            }
            throw new Error("expected a SpecError");
        })();
        assert.ok(error instanceof SpecError);
        assert.deepEqual(error.issues.map(formatIssue), [
            'azure.resourceGroupName: must be 1-90 letters, digits, underscores, hyphens, periods or parentheses, not ending with a period (got "rg/with/slashes"). Use the resource group\'s exact name, e.g. "rg-portfolio".',
            'azure.serviceBusTier: must be one of basic | standard | premium (got "free"). Use one of the values: basic, standard, premium.',
        ]);
    });
});

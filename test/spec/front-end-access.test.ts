import { strict as assert } from "node:assert";
import { checkSpec, formatIssue, validateSpec } from "../../components/spec";

const spec = (frontEnd: Record<string, unknown>) => ({
    name: "portfolio",
    frontEnd,
    queues: [{ name: "scrape" }],
    workers: [{ name: "scraper", queue: "scrape" }],
});

describe("spec: frontEnd.access", () => {
    it("defaults to public with no invokers", () => {
        const { frontEnd } = validateSpec(spec({}), "gcp");
        assert.equal(frontEnd.access, "public");
        assert.deepEqual(frontEnd.invokers, []);
    });

    it("accepts authenticated with invokers on gcp (and local, which ignores it)", () => {
        const ok = spec({ access: "authenticated", invokers: ["group:callers@example.com", "domain:example.com"] });
        assert.deepEqual(checkSpec(ok, "gcp").issues, []);
        assert.deepEqual(checkSpec(ok, "local").issues, []);
    });

    it("refuses authenticated without invokers, with the fix", () => {
        assert.deepEqual(checkSpec(spec({ access: "authenticated" }), "gcp").issues.map(formatIssue), [
            'frontEnd.invokers: must list at least one IAM member with frontEnd.access: authenticated (got []). Add the callers, e.g. ["group:callers@example.com"], or set frontEnd.access to public.',
        ]);
    });

    it("refuses authenticated on aws and azure, and invokers on a public front end", () => {
        const authenticated = spec({ access: "authenticated", invokers: ["group:callers@example.com"] });
        for (const cloud of ["aws", "azure"] as const) {
            assert.deepEqual(checkSpec(authenticated, cloud).issues.map(formatIssue), [
                `frontEnd.access: must be public on ${cloud} (authenticated is supported on gcp only) (got "authenticated"). Set it to public: callers are checked by the API key (frontEnd.auth: apiKey).`,
            ]);
        }
        assert.deepEqual(checkSpec(spec({ invokers: ["group:callers@example.com"] }), "gcp").issues.map(formatIssue), [
            'frontEnd.invokers: applies only with frontEnd.access: authenticated (got ["group:callers@example.com"]). Set frontEnd.access to authenticated (gcp), or remove invokers.',
        ]);
    });

    it("refuses an invoker that is not an IAM member", () => {
        const issues = checkSpec(spec({ access: "authenticated", invokers: ["callers@example.com"] }), "gcp").issues.map(formatIssue);
        assert.deepEqual(issues, [
            'frontEnd.invokers[0]: must be an IAM member such as "group:callers@example.com" (got "callers@example.com"). Prefix it with user:, group:, serviceAccount:, domain:, principal: or principalSet:.',
        ]);
    });
});

import * as assert from "node:assert/strict";
import {
    daysOfSupportLeft,
    deployedRuntimeProblems,
    deployedRuntimes,
    newestRelease,
    release,
    runtimeReleases,
    runtimeSupportMarginDays,
} from "../components/runtimes";

describe("dated runtime table", () => {
    it("every runtime we deploy has at least 90 days of support left today", () => {
        // Fails before a platform stops taking deploys, not after: move the runtime in components/runtimes.ts.
        assert.deepEqual(deployedRuntimeProblems(new Date()), []);
    });

    it("names the runtime, its end and the fix once a deployed runtime is inside the margin", () => {
        const problems = deployedRuntimeProblems(new Date("2027-03-01T00:00:00Z"));
        assert.deepEqual(problems, [
            'deployedRuntimes.azureFunctions: azure-functions runtime "22" ends 2027-04-30, 60 days from 2027-03-01 (less than 90 days of support left). Move it to "22" in components/runtimes.ts after adding the platform\'s next release to the table.',
        ]);
        assert.equal(deployedRuntimeProblems(new Date("2028-05-01T00:00:00Z")).length, 4);
    });

    it("counts whole days to the end of support, negative once past it", () => {
        const node20 = release("node", "20");
        assert.equal(daysOfSupportLeft(node20, new Date("2026-04-29T12:00:00Z")), 0);
        assert.equal(daysOfSupportLeft(node20, new Date("2026-04-01T00:00:00Z")), 29);
        assert.ok(daysOfSupportLeft(node20, new Date("2026-12-04T00:00:00Z")) < 0);
        assert.equal(runtimeSupportMarginDays, 90);
    });

    it("keeps each platform newest first with valid dates, and deploys only GA releases it holds", () => {
        for (const platform of ["aws-lambda", "gcp-functions", "azure-functions", "node"] as const) {
            const majors = runtimeReleases.filter((entry) => entry.platform === platform).map((entry) => entry.nodeMajor);
            assert.deepEqual(majors, [...majors].sort((a, b) => b - a), platform);
        }
        for (const entry of runtimeReleases) assert.match(entry.endOfSupport, /^\d{4}-\d{2}-\d{2}$/);
        for (const entry of Object.values(deployedRuntimes)) assert.equal(entry.stage, "ga", entry.id);
        assert.equal(newestRelease("aws-lambda").id, "nodejs24.x");
        assert.throws(() => release("aws-lambda", "nodejs99.x"), /^Error: runtimes: no aws-lambda runtime "nodejs99.x" in the table$/);
    });
});

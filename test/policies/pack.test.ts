import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { allPolicies, policyPackName, resourcePolicies, stackPolicies } from "../../policies/all";
import { analyzerInfo, startPack } from "../helpers/policy-pack";

const policiesDir = path.join(__dirname, "..", "..", "policies");

describe("the policy pack", function () {
    this.timeout(120_000);

    it("lists every policy once, named <cloud>-<service>-<resource>-<verb>-<subject> after its own file", () => {
        const names = allPolicies.map((p) => p.name);
        assert.equal(new Set(names).size, names.length);
        assert.equal(allPolicies.length, resourcePolicies.length + stackPolicies.length);
        for (const policy of resourcePolicies) {
            assert.ok("validateResource" in policy && !("validateStack" in policy), policy.name);
            assert.ok(["aws", "azure", "gcp"].some((cloud) => existsSync(path.join(policiesDir, cloud, `${policy.name}.ts`))), `${policy.name}: no file policies/<cloud>/${policy.name}.ts`);
        }
        for (const policy of stackPolicies) assert.ok(existsSync(path.join(policiesDir, "stack", `${policy.name}.ts`)), `${policy.name}: no file policies/stack/${policy.name}.ts`);
        for (const policy of allPolicies) {
            assert.match(policy.name, /^(aws|azure|gcp)-[a-z0-9]+-[a-z0-9]+(-[a-z0-9]+)*-(require|limit)-[a-z0-9-]+$/);
            assert.ok(policy.description.length > 20 && policy.description.endsWith("."), policy.name);
            assert.ok(policy.enforcementLevel === "mandatory" || policy.enforcementLevel === "advisory", policy.name);
            assert.equal(policy.configSchema?.properties.enforcementLevel, undefined, policy.name);
        }
    });

    it("documents every policy with its kind and level in policies/README.md", () => {
        const readme = readFileSync(path.join(policiesDir, "README.md"), "utf8");
        const rows = readme.split("\n").filter((line) => line.startsWith("| `"));
        assert.equal(rows.length, allPolicies.length);
        for (const policy of allPolicies) {
            const kind = stackPolicies.includes(policy as (typeof stackPolicies)[number]) ? "stack" : "resource";
            assert.ok(rows.some((row) => row.startsWith(`| \`${policy.name}\` | ${kind} | ${policy.enforcementLevel} |`)), policy.name);
        }
    });

    it("builds its policy list without constructing a PolicyPack (importing policies/all starts no server)", () => {
        const result = spawnSync(process.execPath, ["--require", "tsx/cjs", "-e", "const all = require('./all.ts'); console.log(all.allPolicies.length)"], { cwd: policiesDir, encoding: "utf8", timeout: 60_000 });
        assert.equal(result.status, 0, result.stderr);
        assert.equal(result.stdout, `${allPolicies.length}\n`);
    });

    it("loads as the Pulumi CLI loads it: one pack, serving every policy on 127.0.0.1", async () => {
        const { child, port } = await startPack(policiesDir, ["--require", "tsx/cjs", "index.ts"]);
        try {
            const info = await analyzerInfo(port);
            assert.equal(info.name, policyPackName);
            assert.equal(info.version, "0.1.0");
            assert.deepEqual(info.policies.map((p) => p.name), allPolicies.map((p) => p.name));
            const mandatory = 1; // pulumirpc.EnforcementLevel.MANDATORY
            assert.deepEqual(info.policies.filter((p) => p.enforcementLevel === mandatory).map((p) => p.name), allPolicies.filter((p) => p.enforcementLevel === "mandatory").map((p) => p.name));
        } finally {
            child.kill();
        }
    });
});

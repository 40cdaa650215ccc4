import * as assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { allPolicies, policyPackName, resourcePolicies, stackPolicies } from "../../policies/all";

const policiesDir = path.join(__dirname, "..", "..", "policies");
const node = (args: string[], cwd: string) => spawn(process.execPath, ["--require", "tsx/cjs", ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });

/** Starts the pack the way `pulumi preview --policy-pack policies` does (in its directory) and returns the port it prints. */
function startPack(): Promise<{ child: ChildProcess; port: number }> {
    const child = node(["index.ts"], policiesDir);
    return new Promise((resolve, reject) => {
        let out = "";
        let err = "";
        child.stderr?.on("data", (chunk) => (err += chunk));
        child.stdout?.on("data", (chunk) => {
            out += chunk;
            const line = /^(\d+)\n/.exec(out);
            if (line) resolve({ child, port: Number(line[1]) });
        });
        child.on("exit", (code) => reject(new Error(`the pack exited (${code}) before serving: ${out}${err}`)));
    });
}

/** Calls the analyzer's GetAnalyzerInfo, as the Pulumi engine does when it loads a pack. */
async function analyzerInfo(port: number): Promise<{ name: string; version: string; policies: Array<{ name: string; enforcementLevel: number }> }> {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const grpc = require("@grpc/grpc-js");
    const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
    const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
        const info = await new Promise<any>((resolve, reject) => client.getAnalyzerInfo(new Empty(), (error: Error | null, response: unknown) => (error ? reject(error) : resolve(response))));
        return {
            name: info.getName(),
            version: info.getVersion(),
            policies: info.getPoliciesList().map((p: any) => ({ name: p.getName(), enforcementLevel: p.getEnforcementlevel() })),
        };
    } finally {
        client.close();
    }
}

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
        const { child, port } = await startPack();
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

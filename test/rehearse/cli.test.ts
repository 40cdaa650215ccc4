import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { installed } from "../../rehearse/emulators/process";
import { pathNames } from "../../rehearse/paths/walk";

const root = path.resolve(__dirname, "..", "..");
const bin = path.join(root, "bin", "queuestack.js");

/** Runs the `queuestack` binary as a user would, in `cwd`; its exit code and output. */
function queuestack(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [bin, ...args], { cwd, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.once("error", reject);
        child.once("close", (code) => resolve({ code, stdout, stderr }));
    });
}

/** The table's rows as [mark, kind, name] (the detail column dropped). */
const rows = (stdout: string) =>
    stdout
        .split("\n")
        .filter((line) => /^(PASS|FAIL|SKIP) {2}/.test(line))
        .map((line) => line.split(/ {2,}/).slice(0, 3));

describe("queuestack rehearse (the binary, as a user runs it)", function () {
    this.timeout(300_000);

    before(function () {
        if (!installed("moto_server")) {
            console.warn("    moto_server is not on PATH: skipping (install it with `pip install 'moto[server]'`).");
            this.skip();
        }
    });

    it("rehearses the dev stack: every row passes or says what is not rehearsed, exit 0, progress on stderr", async () => {
        const { code, stdout, stderr } = await queuestack(["rehearse", "--stack", "dev"], root);
        assert.equal(code, 0, `${stdout}\n${stderr}`);
        assert.equal(stdout.split("\n")[0], 'Rehearsal of stack "dev" (aws)');
        assert.deepEqual(rows(stdout), [
            ["PASS", "contract", "runtimes supported 90+ more days"],
            ["PASS", "contract", "physical names fit their cloud's rules"],
            ["PASS", "contract", "function environments fit 4 KB"],
            ["PASS", "contract", "global names differ in a second region"],
            ["PASS", "contract", "global names differ in a second stack"],
            ["PASS", "contract", "a worker code change rolls out"],
            ["PASS", "path", "stand up the planned resources on moto"],
            ["PASS", "path", pathNames.accept],
            ["PASS", "path", pathNames.unauthenticated],
            ["PASS", "path", pathNames.poison],
            ["PASS", "path", pathNames.redrive],
            ...rows(stdout).filter(([mark]) => mark === "SKIP"),
        ]);
        assert.ok(rows(stdout).some(([, kind]) => kind === "not rehearsed"), "the table says what was not rehearsed");
        assert.match(stdout, /^11 passed, 0 failed, \d+ not rehearsed, in \d+\.\d s$/m);
        assert.match(stderr, /starting moto_server on 127\.0\.0\.1 \.\.\./);
        assert.match(stderr, /moto_server ready on 127\.0\.0\.1:\d+/);
    });

    describe("a stack whose worker calls an API its role does not allow", () => {
        let dir: string;
        before(() => {
            // A user's project: the repository's program and packages, their own worker and stack file.
            dir = mkdtempSync(path.join(tmpdir(), "queuestack-rehearse-cli-"));
            for (const name of ["index.ts", "program.ts", "Pulumi.yaml", "package.json", "node_modules"]) symlinkSync(path.join(root, name), path.join(dir, name));
            mkdirSync(path.join(dir, "lister"));
            writeFileSync(
                path.join(dir, "lister", "index.ts"),
                `import { ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { defineWorker } from ${JSON.stringify(path.join(root, "workers", "runtime"))};
export default defineWorker({ async handle() { return (await new SQSClient({}).send(new ListQueuesCommand({}))).QueueUrls ?? []; } });
`,
            );
            writeFileSync(
                path.join(dir, "Pulumi.lister.yaml"),
                `config:
  queuestack:cloud: aws
  aws:region: eu-west-1
  queuestack:spec:
    name: lister
    queues:
      - name: work
        processingTimeSeconds: 10
        maxReceiveCount: 5
    workers:
      - name: lister
        queue: work
        kind: function
        code: lister
        timeoutSeconds: 10
`,
            );
        });
        after(() => rmSync(dir, { recursive: true, force: true }));

        it("fails the accept path with moto's own AccessDenied text and exits 1", async () => {
            const { code, stdout, stderr } = await queuestack(["rehearse", "--stack", "lister"], dir);
            assert.equal(code, 1, `${stdout}\n${stderr}`);
            const accept = stdout.split("\n").find((line) => line.includes(pathNames.accept));
            assert.ok(accept?.startsWith("FAIL  path"), stdout);
            assert.match(accept!, /403 AccessDenied: User: arn:aws:sts::123456789012:assumed-role\/[^/]+\/queuestack-rehearsal is not authorized to perform: sqs:ListQueues/);
            assert.match(stdout, /^\d+ passed, [1-9]\d* failed, \d+ not rehearsed, in \d+\.\d s$/m);
        });
    });
});

import { strict as assert } from "node:assert";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { UsageError } from "../../operations/errors";
import { RateLimiter } from "../../operations/rate-limit";
import { loadStackContext, queueAddresses } from "../../operations/stack-context";
import { readPulumiOutputs } from "../../operations/stack-outputs";
import { opsSpec, stackDir } from "./ops-cli";

describe("queuestack stack outputs and flags", () => {
    let project: ReturnType<typeof stackDir>;
    beforeEach(() => {
        project = stackDir("ops", { "queuestack:cloud": "aws", "aws:region": "us-east-1", "queuestack:spec": opsSpec });
    });
    afterEach(() => project.cleanup());

    /** An executable standing in for the Pulumi CLI: records its arguments and directory, prints `stdout`, exits `code`. */
    function pulumiCli(stdout: string, code = 0, stderr = ""): string {
        const file = path.join(project.dir, "pulumi");
        writeFileSync(file, `#!/bin/sh\necho "$@" > "${project.dir}/args"\npwd >> "${project.dir}/args"\nprintf '%s' '${stdout}'\nprintf '%s' '${stderr}' >&2\nexit ${code}\n`);
        chmodSync(file, 0o755);
        return file;
    }

    it("reads `pulumi stack output --json --stack <name>` in the project directory", () => {
        const outputs = { frontEndUrl: "https://api.example.com", queues: { scrape: { id: "https://sqs/q", deadLetterId: "https://sqs/dlq" } } };
        const lookup = readPulumiOutputs("ops", project.dir, pulumiCli(JSON.stringify(outputs)));
        assert.deepEqual(lookup, { outputs });
        assert.equal(readFileSync(path.join(project.dir, "args"), "utf8"), `stack output --json --stack ops\n${project.dir}\n`);
    });

    it("says why there are no outputs: a missing CLI, a failing command, a stack without queues", () => {
        assert.deepEqual(readPulumiOutputs("ops", project.dir, path.join(project.dir, "no-such-pulumi")), { missing: "the Pulumi CLI is not installed" });
        assert.deepEqual(readPulumiOutputs("ops", project.dir, pulumiCli("", 255, "error: no stack named ops found")), {
            missing: "`pulumi stack output --stack ops` failed: error: no stack named ops found",
        });
        assert.deepEqual(readPulumiOutputs("ops", project.dir, pulumiCli("{}")), { missing: 'stack "ops" has no "queues" output (is it deployed?)' });
    });

    it("takes a queue's addresses from the outputs, flags overriding them, and names what is missing", () => {
        const outputs = { queues: { scrape: { id: "https://sqs/scrape", deadLetterId: "https://sqs/scrape-dlq" } } };
        let lookups = 0;
        const context = loadStackContext({ stack: "ops", dir: project.dir }, () => (lookups++, { outputs }));
        assert.deepEqual(queueAddresses(context, "scrape", {}), { id: "https://sqs/scrape", deadLetterId: "https://sqs/scrape-dlq" });
        assert.deepEqual(queueAddresses(context, "scrape", { deadLetterId: "https://other/dlq" }), { id: "https://sqs/scrape", deadLetterId: "https://other/dlq" });
        assert.throws(
            () => queueAddresses(context, "publish", {}),
            new UsageError('no queue URL for queue "publish" of stack "ops" (aws): the stack outputs have no queue "publish". Pass --queue-id <queue URL> --dead-letter-id <dead-letter queue URL>, or run where `pulumi stack output --json` works.'),
        );
        assert.equal(lookups, 1, "the Pulumi CLI runs once per command");
        const flagsOnly = loadStackContext({ stack: "ops", dir: project.dir }, () => assert.fail("not needed when both flags are given"));
        assert.deepEqual(queueAddresses(flagsOnly, "publish", { queueId: "q", deadLetterId: "d" }), { id: "q", deadLetterId: "d" });
    });

    it("spaces sends out to the rate limit without saving up idle time", async () => {
        let now = 0;
        const waits: number[] = [];
        const limiter = new RateLimiter(20, () => now, async (ms) => void (waits.push(ms), (now += ms)));
        await limiter.take(10);
        await limiter.take(10);
        await limiter.take(10);
        assert.deepEqual(waits, [500, 500]);
        now += 5000;
        await limiter.take(10);
        assert.deepEqual(waits, [500, 500], "an idle pause does not buy a burst later, nor a wait");
        await limiter.take(10);
        assert.deepEqual(waits, [500, 500, 500]);
        const unlimited = new RateLimiter(undefined, () => now, async () => assert.fail("never waits"));
        await unlimited.take(1000);
    });
});

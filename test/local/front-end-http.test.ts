import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { localUnderTest, maxBodyBytes } from "../workers/front-ends/harness";

const run = promisify(execFile);

/** Sends `raw` bytes on a fresh connection and resolves with everything the server answers before closing. */
function rawRequest(port: number, raw: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const socket = connect(port, "127.0.0.1", () => socket.write(raw));
        let answer = "";
        socket.on("data", (chunk) => (answer += chunk.toString()));
        socket.on("end", () => resolve(answer));
        socket.on("error", reject);
    });
}

const tooLarge = (bytes: number) => ({ error: `Request body is ${bytes} bytes; the limit is ${maxBodyBytes} bytes (spec frontEnd.maxBodyKb). Split the batch into smaller requests.` });

describe("local front end over real HTTP: answers clients receive", function () {
    this.timeout(30_000);
    let frontEnd: Awaited<ReturnType<typeof localUnderTest>>;
    let scratch: string;
    before(async () => {
        frontEnd = await localUnderTest();
        scratch = mkdtempSync(path.join(tmpdir(), "queuestack-http-"));
    });
    after(async () => {
        await frontEnd?.stop();
        rmSync(scratch, { recursive: true, force: true });
    });

    const bodyFile = (bytes: number) => {
        const file = path.join(scratch, `${bytes}.json`);
        writeFileSync(file, JSON.stringify({ pad: "x".repeat(bytes - 10) }));
        return file;
    };

    it("Node fetch gets the 413 and its message for a 5 MB body (the upload is read to its end, not cut off)", async () => {
        const body = JSON.stringify({ pad: "x".repeat(5_000_000) });
        const answer = await fetch(`${frontEnd.url}/queues/work/messages`, { method: "POST", headers: { "content-type": "application/json" }, body });
        assert.equal(answer.status, 413);
        assert.deepEqual(await answer.json(), tooLarge(Buffer.byteLength(body)));
        assert.equal(await frontEnd.enqueued(), 0);
    });

    it("curl gets the 413 and exits 0: with Expect: 100-continue (answered before the upload) and without it", async () => {
        const file = bodyFile(5_000_000);
        for (const expect of [[], ["-H", "Expect:"]]) {
            const { stdout } = await run("curl", ["-sS", "-w", "\n%{http_code}", ...expect, "-H", "content-type: application/json", "--data-binary", `@${file}`, `${frontEnd.url}/queues/work/messages`]);
            const [body, status] = stdout.split("\n");
            assert.equal(status, "413");
            assert.deepEqual(JSON.parse(body!), tooLarge(5_000_000));
        }
    });

    it("answers a URL it cannot decode with 400 in the { error } shape", async () => {
        const answer = await fetch(`${frontEnd.url}/jobs/%E0%A4%A`);
        assert.equal(answer.status, 400);
        assert.deepEqual(await answer.json(), {
            error: `The URL "/jobs/%E0%A4%A" is not valid percent-encoding ('/jobs/%E0%A4%A' is not a valid url component). Encode path segments with encodeURIComponent.`,
        });
    });

    it("answers malformed HTTP with 400, and oversized headers with 431, in the { error } shape", async () => {
        const port = Number(new URL(frontEnd.url).port);
        const garbage = await rawRequest(port, "GARBAGE\r\n\r\n");
        assert.match(garbage, /^HTTP\/1\.1 400 Bad Request\r\n/);
        assert.deepEqual(JSON.parse(garbage.split("\r\n\r\n")[1]!), { error: "The request is not valid HTTP/1.1 (HPE_INVALID_METHOD). Check the request line, the headers and the body's framing." });
        const chunked = await rawRequest(port, "POST /queues/work/messages HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        assert.deepEqual(JSON.parse(chunked.split("\r\n\r\n")[1]!), { error: "The request is not valid HTTP/1.1 (HPE_INVALID_CHUNK_SIZE). Check the request line, the headers and the body's framing." });
        const headers = await rawRequest(port, `GET /jobs/x HTTP/1.1\r\nHost: a\r\nX-Big: ${"y".repeat(20_000)}\r\n\r\n`);
        assert.match(headers, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
        assert.deepEqual(JSON.parse(headers.split("\r\n\r\n")[1]!), { error: "The request's headers are too large. Send fewer or shorter headers." });
    });
});

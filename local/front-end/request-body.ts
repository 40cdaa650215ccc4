import type { Server } from "node:http";
import type { FastifyInstance } from "fastify";
import { IntakeError } from "../../workers/runtime";
import { bodyTooLargeError } from "../../workers/runtime/intake";

/**
 * How much of an over-limit body the server reads (and discards) so the client can finish sending
 * and read the 413. Past it the connection is closed: a client still sending then sees a broken
 * pipe instead of the answer, which only a body this large earns.
 */
export const drainLimitBytes = 64 * 1024 * 1024;

/** The 413 for a body too large to read to its end: the answer closes the connection. */
export class UndrainedBodyError extends IntakeError {}

/**
 * Makes `app` read every request body as raw bytes and answer an over-limit one with a 413 the
 * client actually receives. Closing the socket on the first byte over the limit (Fastify's
 * bodyLimit) breaks the client's upload before it reads the answer (Node fetch: EPIPE; curl: exit
 * 55). Instead:
 * - a client that asks first (`Expect: 100-continue`, as curl does for large bodies) with a
 *   Content-Length over the limit gets the 413 straight away and sends nothing;
 * - otherwise the body is read to its end, keeping only the first `maxBodyBytes + 1` bytes, and
 *   the 413 names its size; past `drainLimitBytes` the 413 is sent and the connection closed.
 */
export function acceptRawBodies(app: FastifyInstance, maxBodyBytes: number): void {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", (_request, payload, done) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        let size = 0;
        const onData = (chunk: Buffer) => {
            size += chunk.length;
            if (kept <= maxBodyBytes) {
                chunks.push(chunk);
                kept += chunk.length;
            }
            if (size > drainLimitBytes) {
                payload.removeListener("data", onData);
                payload.removeListener("end", onEnd);
                payload.pause();
                const { statusCode, message } = bodyTooLargeError(size, maxBodyBytes, true);
                done(new UndrainedBodyError(statusCode, message), undefined);
            }
        };
        const onEnd = () => (size > maxBodyBytes ? done(bodyTooLargeError(size, maxBodyBytes), undefined) : done(null, Buffer.concat(chunks)));
        payload.on("data", onData);
        payload.on("end", onEnd);
        payload.on("error", (error) => done(error, undefined));
    });
    const server = app.server as Server;
    server.on("checkContinue", (req, res) => {
        const length = Number(req.headers["content-length"]);
        if (Number.isFinite(length) && length > maxBodyBytes) {
            const body = JSON.stringify({ error: bodyTooLargeError(length, maxBodyBytes).message });
            res.writeHead(413, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), connection: "close" });
            res.end(body);
            return;
        }
        res.writeContinue();
        server.emit("request", req, res);
    });
}

import { strict as assert } from "node:assert";
import { cloudLimits } from "../../components/spec/clouds";

/** A synchronous Lambda invocation's largest request payload: "6 MB", 6,291,456 bytes (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
const invokePayloadBytes = 6 * 1024 * 1024;
/** HTTP API: request line and header values together at most 10,240 bytes (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html). */
const requestLineAndHeadersBytes = 10_240;

/**
 * The event API Gateway sends the front end for one request (payload format 2.0, as in
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html),
 * with the request line and headers at their largest: the query string appears twice (raw and
 * parsed), the path three times.
 */
function event(body: string, isBase64Encoded: boolean) {
    const path = "/queues/q00xxxxxxxxxxxxxxxxxxxxxxxxxz/messages";
    const room = requestLineAndHeadersBytes - path.length - "POST  HTTP/1.1".length;
    const query = `priority=high&pad=${"p".repeat(Math.floor(room / 2) - 18)}`;
    const headers = { "content-type": "application/json", "x-api-key": "k".repeat(40), "x-padding": "h".repeat(Math.floor(room / 2) - 80) };
    return {
        version: "2.0",
        routeKey: "POST /queues/{queue}/messages",
        rawPath: path,
        rawQueryString: query,
        cookies: [],
        headers,
        queryStringParameters: Object.fromEntries(new URLSearchParams(query)),
        requestContext: {
            accountId: "123456789012",
            apiId: "abcdefghij",
            domainName: "abcdefghij.execute-api.eu-west-1.amazonaws.com",
            domainPrefix: "abcdefghij",
            http: { method: "POST", path, protocol: "HTTP/1.1", sourceIp: "203.0.113.254", userAgent: "u".repeat(200) },
            requestId: "JKJaXmPLvHcESHA=",
            routeKey: "POST /queues/{queue}/messages",
            stage: "$default",
            time: "04/Dec/2026:19:03:58 +0000",
            timeEpoch: 1_796_411_038_000,
        },
        pathParameters: { queue: "q00xxxxxxxxxxxxxxxxxxxxxxxxxz" },
        body,
        isBase64Encoded,
    };
}

/** The worst body for escaping that is still valid JSON: one string of quotes, each `\"` (2 bytes) escaped to 4. */
const quoteHeavyJson = (bytes: number) => `"${'\\"'.repeat(Math.floor((bytes - 2) / 2))}"`;

const eventBytes = (body: string, isBase64Encoded = false) => Buffer.byteLength(JSON.stringify(event(body, isBase64Encoded)));

describe("aws front end: request body within one Lambda invocation", () => {
    const limitBytes = cloudLimits.aws.requestBodyMaxKb * 1024;

    it("measures the event envelope: the largest request line and headers add under 32 KiB", () => {
        const envelope = eventBytes("");
        assert.ok(envelope > requestLineAndHeadersBytes && envelope < 32 * 1024, `envelope ${envelope} bytes`);
    });

    it("fits the advertised limit in one invocation for the worst JSON escaping and for base64", () => {
        assert.equal(cloudLimits.aws.requestBodyMaxKb, 3000);
        const escaped = quoteHeavyJson(limitBytes);
        assert.equal(Buffer.byteLength(escaped), limitBytes);
        JSON.parse(escaped); // valid JSON, as the front end requires
        assert.ok(eventBytes(escaped) <= invokePayloadBytes, `escaped: ${eventBytes(escaped)} bytes`);
        const binary = Buffer.alloc(limitBytes, 0xff).toString("base64");
        assert.ok(eventBytes(binary, true) <= invokePayloadBytes, `base64: ${eventBytes(binary, true)} bytes`);
    });

    it("would not fit at the old 5 MiB limit: such a request failed in API Gateway instead of our 413", () => {
        const old = 5120 * 1024;
        assert.ok(eventBytes(quoteHeavyJson(old)) > invokePayloadBytes);
        assert.ok(eventBytes(Buffer.alloc(old, 0xff).toString("base64"), true) > invokePayloadBytes);
        // Even plain JSON text without escapes leaves little room at 5 MiB once base64-encoded.
        assert.ok(eventBytes(Buffer.alloc(old, 0x61).toString("base64"), true) > invokePayloadBytes);
    });
});

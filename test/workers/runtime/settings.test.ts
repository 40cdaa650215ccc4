import { strict as assert } from "node:assert";
import { ConfigError, readRuntimeSettings } from "../../../workers/runtime";

const complete = {
    QUEUESTACK_IDEMPOTENCY_ENABLED: "true",
    QUEUESTACK_IDEMPOTENCY_KEY: "body.url",
    QUEUESTACK_IDEMPOTENCY_TTL_HOURS: "24",
    QUEUESTACK_RESULT_TTL_DAYS: "30",
    QUEUESTACK_WORKER_TIMEOUT_SECONDS: "20",
};

describe("runtime: settings from the environment", () => {
    it("reads every setting, converting hours and days to seconds", () => {
        assert.deepEqual(readRuntimeSettings(complete), {
            idempotency: { enabled: true, key: "body.url", ttlSeconds: 86_400 },
            resultTtlSeconds: 2_592_000,
            timeoutSeconds: 20,
        });
    });

    it("names a missing variable, says what it holds and who sets it", () => {
        const { QUEUESTACK_WORKER_TIMEOUT_SECONDS: _omitted, ...env } = complete;
        assert.throws(() => readRuntimeSettings(env), {
            name: "ConfigError",
            message:
                "QUEUESTACK_WORKER_TIMEOUT_SECONDS is not set: seconds one attempt may run (spec workers[].timeoutSeconds). " +
                "The queuestack components set it; when running this code by hand, export it.",
        });
    });

    it("rejects a malformed boolean and a number out of range with the value received", () => {
        assert.throws(() => readRuntimeSettings({ ...complete, QUEUESTACK_IDEMPOTENCY_ENABLED: "yes" }), {
            message: 'QUEUESTACK_IDEMPOTENCY_ENABLED must be "true" or "false" (got "yes"): whether the idempotency guard runs (spec workers[].idempotency.enabled).',
        });
        assert.throws(() => readRuntimeSettings({ ...complete, QUEUESTACK_IDEMPOTENCY_TTL_HOURS: "0" }), (error: unknown) => {
            assert.ok(error instanceof ConfigError);
            assert.equal(error.message, 'QUEUESTACK_IDEMPOTENCY_TTL_HOURS must be a whole number from 1 to 8760 (got "0"): hours a completed key is remembered (spec workers[].idempotency.ttlHours).');
            return true;
        });
    });

    it("does not need the key or its TTL when the guard is off", () => {
        const settings = readRuntimeSettings({ QUEUESTACK_IDEMPOTENCY_ENABLED: "false", QUEUESTACK_RESULT_TTL_DAYS: "1", QUEUESTACK_WORKER_TIMEOUT_SECONDS: "5" });
        assert.equal(settings.idempotency.enabled, false);
    });
});

import { strict as assert } from "node:assert";
import { awsNames } from "../components/aws/names";
import { physicalName } from "../components/naming";

describe("physical names", () => {
    it("joins parts and adds suffixes within the cloud's rules", () => {
        assert.equal(physicalName(awsNames.sqsFifoQueue, ["portfolio", "dev", "scrape", "dlq"]), "portfolio-dev-scrape-dlq.fifo");
        assert.equal(physicalName(awsNames.s3Bucket, ["Portfolio", "Dev_1"]), "portfolio-dev-1");
    });

    it("shortens long names with a stable hash so they stay unique and within the limit", () => {
        const long = ["a-very-long-stack-name", "production-eu-west", "an-unusually-long-queue-name-x", "dlq"];
        const name = physicalName(awsNames.sqsFifoQueue, long);
        assert.ok(name.length <= 80 && name.length >= 75, `length ${name.length}`);
        assert.match(name, /^a-very-long-stack-name-production-eu-west-an-unusually-long-queue-n?-?[0-9a-f]{8}\.fifo$/);
        assert.equal(physicalName(awsNames.sqsFifoQueue, long), name, "stable across runs");
        assert.notEqual(physicalName(awsNames.sqsFifoQueue, [...long.slice(0, 3), "dlq2"]), name);
        const fn = physicalName(awsNames.lambdaFunction, long);
        assert.ok(fn.length <= 64);
    });

    it("never lets a disallowed character through", () => {
        assert.equal(physicalName(awsNames.lambdaFunction, ["shop", "dev.eu", "w@rk"]), "shop-dev-eu-w-rk");
    });
});

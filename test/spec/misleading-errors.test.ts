import { strict as assert } from "node:assert";
import { SpecError, validateSpec } from "../../components/spec";

/** The message validateSpec throws for `input` on aws. */
function messageFor(input: unknown): string {
    try {
        validateSpec(input, "aws");
    } catch (error) {
        assert.ok(error instanceof SpecError);
        return error.message;
    }
    assert.fail("expected a SpecError");
}

describe("spec errors say what is really wrong", () => {
    it("a one-character name is told its length, not a pattern it already matches", () => {
        assert.equal(
            messageFor({ name: "portfolio", queues: [{ name: "a" }], workers: [{ name: "w", queue: "a" }] }),
            "Invalid queuestack spec (2 problems):\n" +
                '  queues[0].name: must be at least 2 characters (got "a"). Use at least 2 characters.\n' +
                '  workers[0].name: must be at least 2 characters (got "w"). Use at least 2 characters.',
        );
    });

    it("an invalid queue name is reported once, and no stand-in name leaks into another line's fix", () => {
        const message = messageFor({ name: "portfolio", queues: [{ name: "Bad Name!" }], workers: [{ name: "scraper", queue: "Bad Name!" }] });
        assert.equal(
            message,
            "Invalid queuestack spec (1 problem):\n" +
                '  queues[0].name: must be lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (got "Bad Name!"). Rename it, e.g. "orders" or "image-resize".',
        );
        assert.doesNotMatch(message, /placeholder/);
    });

    it("a worker naming a queue that truly does not exist is still reported, with the real queue names", () => {
        assert.equal(
            messageFor({ name: "portfolio", queues: [{ name: "scrape" }, { name: 7 }], workers: [{ name: "scraper", queue: "scrap" }] }),
            "Invalid queuestack spec (2 problems):\n" +
                "  queues[1].name: must be a string (got 7). Write a string.\n" +
                '  workers[0].queue: must name a queue in queues (got "scrap"). Did you mean "scrape"?',
        );
    });
});

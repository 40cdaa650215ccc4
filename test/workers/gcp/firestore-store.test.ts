import { strict as assert } from "node:assert";
import { googleApi } from "../../../workers/gcp/google-api";
import { FirestoreWorkerStore } from "../../../workers/gcp/firestore-store";
import { type Emulator, gcloudAvailable, startEmulator } from "./emulators";

describe("gcp FirestoreWorkerStore (Firestore emulator)", function () {
    this.timeout(90_000);
    let emulator: Emulator | undefined;
    let clock = new Date("2026-01-01T00:00:00Z");
    const store = (projectId: string) =>
        new FirestoreWorkerStore({ api: googleApi({ baseUrl: "https://firestore.googleapis.com", emulatorHost: emulator!.host }), projectId, databaseId: "(default)", now: () => clock });

    before(async function () {
        if (!gcloudAvailable()) this.skip();
        emulator = await startEmulator("firestore");
    });
    after(() => emulator?.stop());
    beforeEach(() => (clock = new Date("2026-01-01T00:00:00Z")));

    it("claims a key once; a second claim sees it in progress until the lease ends, then may claim it", async () => {
        const s = store("claim-test");
        const first = await s.claim("https://example.com/a", 60);
        assert.equal(first.status, "claimed");
        assert.deepEqual(await s.claim("https://example.com/a", 60), { status: "in-progress", leaseExpiresAt: new Date("2026-01-01T00:01:00Z") });
        clock = new Date("2026-01-01T00:01:01Z");
        assert.equal((await s.claim("https://example.com/a", 60)).status, "claimed");
    });

    it("remembers a completed key with its result until its TTL, then lets it be claimed again", async () => {
        const s = store("complete-test");
        const claim = await s.claim("k1", 60);
        assert.equal(claim.status, "claimed");
        await s.complete("k1", (claim as { token: string }).token, { title: "A" }, 3600);
        assert.deepEqual(await s.claim("k1", 60), { status: "completed", result: { title: "A" }, completedAt: clock });
        clock = new Date("2026-01-01T01:00:01Z");
        assert.equal((await s.claim("k1", 60)).status, "claimed");
    });

    it("releases only its own claim", async () => {
        const s = store("release-test");
        const mine = (await s.claim("k2", 60)) as { status: "claimed"; token: string };
        await s.release("k2", "someone-else");
        assert.equal((await s.claim("k2", 60)).status, "in-progress");
        await s.release("k2", mine.token);
        assert.equal((await s.claim("k2", 60)).status, "claimed");
    });

    it("lets exactly one of many concurrent claims win", async () => {
        const s = store("race-test");
        const results = await Promise.all(Array.from({ length: 8 }, () => s.claim("race", 60)));
        assert.equal(results.filter((r) => r.status === "claimed").length, 1);
        assert.equal(results.filter((r) => r.status === "in-progress").length, 7);
    });

    it("stores job records by message id and hides them after their TTL", async () => {
        const s = store("job-test");
        await s.putJob("1234567890", { status: "dead-letter", reason: "404 Not Found", attempt: 5, at: clock }, 60);
        assert.deepEqual(await s.getJob("1234567890"), { status: "dead-letter", reason: "404 Not Found", attempt: 5, at: clock });
        assert.equal(await s.getJob("missing"), undefined);
        clock = new Date("2026-01-01T00:01:01Z");
        assert.equal(await s.getJob("1234567890"), undefined);
    });
});

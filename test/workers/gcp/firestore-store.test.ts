import { strict as assert } from "node:assert";
import { googleApi } from "../../../workers/gcp/google-api";
import { FirestoreWorkerStore } from "../../../workers/gcp/firestore-store";
import { workerStoreContract } from "../helpers/store-contract";
import { type Emulator, gcloudAvailable, startEmulator } from "./emulators";

describe("gcp FirestoreWorkerStore (Firestore emulator)", function () {
    this.timeout(90_000);
    let emulator: Emulator | undefined;
    const store = (projectId: string, now = () => new Date()) =>
        new FirestoreWorkerStore({ api: googleApi({ baseUrl: "https://firestore.googleapis.com", emulatorHost: emulator!.hostPort }), projectId, databaseId: "(default)", now });

    before(async function () {
        if (!gcloudAvailable()) this.skip();
        emulator = await startEmulator("firestore");
    });
    after(() => emulator?.stop());

    describe("the WorkerStore contract", () => {
        workerStoreContract((now) => store("contract-test", now));
    });

    it("lets exactly one of many concurrent claims win, for keys that are not valid document ids (URLs)", async () => {
        const s = store("race-test");
        const results = await Promise.all(Array.from({ length: 8 }, () => s.claim("https://example.com/articles/1?ref=feed", 60)));
        assert.equal(results.filter((r) => r.status === "claimed").length, 1);
        assert.equal(results.filter((r) => r.status === "in-progress").length, 7);
    });
});

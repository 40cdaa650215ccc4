import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { EmulatorPool, rehearse } from "../../rehearse";
import { planStack } from "../../rehearse/plan-stack";
import { broken, row } from "./helpers";

const root = path.resolve(__dirname, "..", "..");

describe("rehearse: Azure on Azurite (Blob storage), saying what is not rehearsed", function () {
    this.timeout(120_000);
    const emulators = new EmulatorPool();

    before(function () {
        if (!existsSync(path.join(root, "node_modules", ".bin", "azurite-blob"))) this.skip();
    });
    after(() => emulators.stop());

    it("large-messages: stands the planned containers up and claim-checks a body over the queue's limit into the planned container", async () => {
        const report = await rehearse({ ...(await planStack("large-messages", root)), replan: undefined }, { emulators });
        assert.deepEqual(
            report.checks.map((c) => [c.kind, c.name, c.status]),
            [
                ["contract", "runtimes supported 90+ more days", "pass"],
                ["contract", "physical names fit their cloud's rules", "pass"],
                ["path", "stand up the planned blob containers on Azurite", "pass"],
                ["path", 'claim check: a large body on queue "documents"', "pass"],
                ["not rehearsed", "Service Bus", "skip"],
                ["not rehearsed", "Cosmos DB", "skip"],
                ["not rehearsed", "Functions host", "skip"],
                ["not rehearsed", "resources Azurite does not stand up", "skip"],
            ],
            report.checks.filter((c) => c.status === "fail").map((c) => c.detail).join("\n"),
        );
        assert.equal(row(report, "stand up the planned blob containers on Azurite").detail, "3 BlobContainer; 2 package Blob(s), each in a planned container");
        assert.match(row(report, 'claim check: a large body on queue "documents"').detail, /^\d+-byte body over the 258048-byte limit -> blob in large-messages -> read back whole \(reference \d+ bytes\)$/);
    });

    it("azure-dev: no claim check row when largeMessages is off", async () => {
        const report = await rehearse({ ...(await planStack("azure-dev", root)), replan: undefined }, { emulators });
        assert.deepEqual(report.checks.filter((c) => c.name.startsWith("claim check")), []);
        assert.equal(row(report, "stand up the planned blob containers on Azurite").status, "pass");
    });

    it("names a package blob planned in a container that is not planned", async () => {
        const planned = await planStack("large-messages", root);
        const moved = broken(planned, 1, (r) => r.name === "large-messages-azure-converter-functions-package", (inputs) => ({ ...inputs, containerName: "deploys" }));
        const report = await rehearse(moved, { emulators });
        const standUp = row(report, "stand up the planned blob containers on Azurite");
        assert.equal(standUp.status, "fail");
        assert.match(standUp.detail, /^planned blobs in no planned container: large-messages-azure-converter-functions-package \(largemessa[0-9a-f]+\/deploys\)$/);
    });
});

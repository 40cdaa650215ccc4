import { strict as assert } from "node:assert";
import { azureNames, globalNameOf, stableGuid } from "../../components/azure/names";
import { isoDuration } from "../../components/azure/duration";
import { physicalName } from "../../components/naming";

const subscriptionScope = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/portfolio-dev";
const longParts = ["a-very-long-stack-name", "production-eu", "image-resize-and-publish"];

describe("azure names", () => {
    it("makes storage account names 3-24 lowercase letters and digits, unique per scope", () => {
        assert.match(globalNameOf(azureNames.storageAccount, ["Shop", "dev", "code"], subscriptionScope), /^shopdevcode[0-9a-f]{6}$/);
        const long = globalNameOf(azureNames.storageAccount, longParts, subscriptionScope);
        assert.equal(long.length, 24);
        assert.match(long, /^[a-z0-9]+$/);
        assert.notEqual(globalNameOf(azureNames.storageAccount, longParts, "/subscriptions/other"), long);
    });

    it("keeps Service Bus namespace, Cosmos account, key vault and function app names within their limits", () => {
        const cases: [keyof typeof azureNames, number][] = [["serviceBusNamespace", 50], ["cosmosAccount", 44], ["keyVault", 24], ["functionApp", 60]];
        for (const [kind, max] of cases) {
            const name = globalNameOf(azureNames[kind], [...longParts, ...longParts], subscriptionScope);
            assert.ok(name.length <= max, `${kind} ${name} is ${name.length} characters`);
            assert.match(name, /^[a-z][a-z0-9-]*[a-z0-9]$/, `${kind} ${name}`);
            assert.doesNotMatch(name, /--/, `${kind} ${name}`);
        }
    });

    it("gives the same global name for the same parts and scope, and a different one elsewhere", () => {
        const parts = ["portfolio", "dev", "bus"];
        assert.equal(globalNameOf(azureNames.serviceBusNamespace, parts, subscriptionScope), globalNameOf(azureNames.serviceBusNamespace, parts, subscriptionScope));
        assert.notEqual(globalNameOf(azureNames.serviceBusNamespace, parts, subscriptionScope), globalNameOf(azureNames.serviceBusNamespace, parts, `${subscriptionScope}-2`));
        assert.match(globalNameOf(azureNames.serviceBusNamespace, parts, subscriptionScope), /^portfolio-dev-bus-[0-9a-f]{6}$/);
    });

    it("limits action group short names to 12 characters", () => {
        assert.equal(physicalName(azureNames.actionGroupShortName, ["portfolio", "dev", "alarms"]).length, 12);
        assert.equal(physicalName(azureNames.actionGroupShortName, ["shop", "alarms"]), "shop-alarms");
    });

    it("derives GUIDs (workbook names) that are stable and well formed", () => {
        assert.equal(stableGuid("portfolio", "dev"), stableGuid("portfolio", "dev"));
        assert.notEqual(stableGuid("portfolio", "dev"), stableGuid("portfolio", "prod"));
        assert.match(stableGuid("portfolio", "dev"), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    it("writes ISO 8601 durations for locks, TTLs and windows", () => {
        assert.equal(isoDuration(300), "PT5M");
        assert.equal(isoDuration(90), "PT1M30S");
        assert.equal(isoDuration(4 * 86_400), "P4D");
        assert.equal(isoDuration(86_400 + 3600 + 61), "P1DT1H1M1S");
        assert.equal(isoDuration(0), "PT0S");
        assert.throws(() => isoDuration(1.5), /expected whole seconds, got 1.5/);
    });
});

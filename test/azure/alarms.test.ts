import { strict as assert } from "node:assert";
import { Alarms, alertWindow } from "../../components/azure/alarms";
import { Dashboard, workbookContent } from "../../components/azure/dashboard";
import { runOffline } from "../../components/testing/offline";
import { jsonInput, ofType, one } from "../helpers/resources";
import { appInsights, mockedIdOf, namespaceId, where } from "./fixtures";

const queues = [{ name: "jobs", namespaceId, queueName: "shop-dev-jobs" }];
const functions = [{ name: "resize", appName: "shop-dev-worker-resize-abc123" }];
const plan = (email?: string) =>
    runOffline(() => new Alarms("alarms", { ...where, alarms: { email, oldestMessageAgeSeconds: 1200, workerErrors: 3 }, queues, functions, appInsightsId: appInsights.id }));

type Criteria = { odataType: string; allOf: Record<string, unknown>[] };

describe("azure Alarms", () => {
    it("notifies an action group with the email receiver", async () => {
        const { result, resources } = await plan("ops@example.com");
        const group = one(resources, "azure-native:monitor:ActionGroup");
        assert.equal(group.parentType, "queuestack:azure:Alarms");
        assert.deepEqual(group.inputs.emailReceivers, [{ name: "email", emailAddress: "ops@example.com", useCommonAlertSchema: true }]);
        assert.equal(group.inputs.groupShortName, "shop");
        assert.equal(group.inputs.enabled, true);
        assert.equal(result.alerts.length, 3);
        assert.equal(result.messageAgeAlerts.length, 1);
    });

    it("creates the action group without receivers when no email is given", async () => {
        assert.deepEqual(one((await plan()).resources, "azure-native:monitor:ActionGroup").inputs.emailReceivers, []);
    });

    it("alerts on dead letters, a queue that never empties within the SLA, and function failures", async () => {
        const { resources } = await plan("ops@example.com");
        const idOf = await mockedIdOf();
        const actionGroupId = idOf(one(resources, "azure-native:monitor:ActionGroup"));
        const alerts = ofType(resources, "azure-native:monitor:MetricAlert");
        const summary = alerts.map((a) => {
            const { allOf } = a.inputs.criteria as Criteria;
            assert.equal(allOf.length, 1);
            const c = allOf[0];
            return [a.name, a.inputs.scopes, c.metricNamespace, c.metricName, c.dimensions, c.timeAggregation, c.operator, c.threshold, a.inputs.windowSize];
        });
        const entity = [{ name: "EntityName", operator: "Include", values: ["shop-dev-jobs"] }];
        assert.deepEqual(summary.sort(), [
            ["alarms-jobs-backlog", [namespaceId], "Microsoft.ServiceBus/namespaces", "ActiveMessages", entity, "Minimum", "GreaterThan", 0, "PT15M"],
            ["alarms-jobs-dlq-depth", [namespaceId], "Microsoft.ServiceBus/namespaces", "DeadletteredMessages", entity, "Maximum", "GreaterThanOrEqual", 1, "PT5M"],
            ["alarms-resize-failures", [appInsights.id], "microsoft.insights/components", "requests/failed", [{ name: "cloud/roleName", operator: "Include", values: ["shop-dev-worker-resize-abc123"] }], "Count", "GreaterThanOrEqual", 3, "PT5M"],
        ]);
        for (const alert of alerts) {
            assert.deepEqual(alert.inputs.actions, [{ actionGroupId }]);
            assert.equal(alert.inputs.autoMitigate, true);
            assert.equal((alert.inputs.criteria as Criteria).odataType, "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria");
        }
    });

    it("alerts through a log query when a worker took a message older than the SLA", async () => {
        const { resources } = await plan("ops@example.com");
        const idOf = await mockedIdOf();
        const rule = one(resources, "azure-native:monitor:ScheduledQueryRule");
        assert.equal(rule.name, "alarms-jobs-oldest-message");
        assert.equal(rule.parentType, "queuestack:azure:Alarms");
        assert.deepEqual([rule.inputs.kind, rule.inputs.scopes, rule.inputs.location, rule.inputs.windowSize, rule.inputs.autoMitigate], ["LogAlert", [appInsights.id], "westeurope", "PT5M", true]);
        assert.deepEqual(rule.inputs.criteria, {
            allOf: [{
                query: 'customMetrics | where name == "QueueMessageAgeSeconds" and tostring(customDimensions["queue"]) == "jobs" | summarize ageSeconds = max(valueMax) by bin(timestamp, 1m)',
                timeAggregation: "Maximum",
                metricMeasureColumn: "ageSeconds",
                operator: "GreaterThan",
                threshold: 1200,
                failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
            }],
        });
        assert.deepEqual(rule.inputs.actions, { actionGroups: [idOf(one(resources, "azure-native:monitor:ActionGroup"))] });
    });

    it("picks the longest alert window within the SLA", () => {
        assert.equal(alertWindow(60), "PT5M");
        assert.equal(alertWindow(600), "PT5M");
        assert.equal(alertWindow(3599), "PT30M");
        assert.equal(alertWindow(7 * 86_400), "P1D");
    });
});

describe("azure Dashboard", () => {
    it("charts depth, oldest age, in flight, dead-letter depth and processing time in a workbook", async () => {
        const { resources } = await runOffline(() =>
            new Dashboard("dash", { ...where, namespaceId, queues, functions, appInsightsId: appInsights.id }),
        );
        const workbook = one(resources, "azure-native:applicationinsights:Workbook");
        assert.equal(workbook.parentType, "queuestack:azure:Dashboard");
        assert.equal(workbook.inputs.kind, "shared");
        assert.match(workbook.inputs.resourceName as string, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        const content = jsonInput(workbook, "serializedData");
        assert.deepEqual(content.items.map((i: { name: string }) => i.name), [
            "Queue depth (active messages)",
            "Oldest message age (s)",
            "In flight (Messages - Active - Scheduled - Dead-lettered)",
            "Dead-letter queue depth",
            "Processing time (ms)",
        ]);
        assert.deepEqual(content.items[0].content.metrics, [{ namespace: "microsoft.servicebus/namespaces", metric: "microsoft.servicebus/namespaces--ActiveMessages", aggregation: 3, splitBy: "EntityName" }]);
        assert.deepEqual(content.items[0].content.filters, [{ key: "EntityName", operator: 0, values: ["shop-dev-jobs"] }]);
        assert.match(content.items[1].content.query, /customMetrics \| where name == "QueueMessageAgeSeconds"/);
        assert.match(content.items[4].content.query, /requests \| where cloud_RoleName in \("shop-dev-worker-resize-abc123"\)/);
    });

    it("leaves out processing time when there is no function worker", () => {
        const content = JSON.parse(workbookContent(namespaceId, ["shop-dev-jobs"], [], appInsights.id));
        assert.equal(content.items.length, 4);
    });
});

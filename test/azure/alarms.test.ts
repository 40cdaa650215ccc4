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

    it("watches the message-age SLA on platform metrics alone: no log alert, nothing read from worker telemetry", async () => {
        const { resources } = await plan("ops@example.com");
        assert.equal(ofType(resources, "azure-native:monitor:ScheduledQueryRule").length, 0);
        const backlog = one(resources, "azure-native:monitor:MetricAlert", "alarms-jobs-backlog");
        assert.equal(backlog.inputs.description, '"jobs" has not been empty for PT15M: messages may be waiting longer than the 1200 s SLA (alarms.oldestMessageAgeSeconds); workers are stalled or not keeping up.');
        assert.equal(backlog.inputs.evaluationFrequency, "PT5M");
        const metrics = ofType(resources, "azure-native:monitor:MetricAlert").flatMap((a) => (a.inputs.criteria as Criteria).allOf.map((c) => String(c.metricName)));
        assert.deepEqual(metrics.sort(), ["ActiveMessages", "DeadletteredMessages", "requests/failed"]);
        for (const alert of ofType(resources, "azure-native:monitor:MetricAlert")) {
            for (const c of (alert.inputs.criteria as Criteria).allOf) assert.ok(["DeadletteredMessages", "ActiveMessages", "requests/failed"].includes(String(c.metricName)), `${alert.name} reads ${c.metricName}`);
        }
    });

    it("picks the longest alert window within the SLA", () => {
        assert.equal(alertWindow(60), "PT5M");
        assert.equal(alertWindow(600), "PT5M");
        assert.equal(alertWindow(3599), "PT30M");
        assert.equal(alertWindow(7 * 86_400), "P1D");
    });
});

describe("azure Dashboard", () => {
    it("charts depth, standing backlog, in flight, dead-letter depth and processing time in a workbook", async () => {
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
            "Standing backlog (fewest active messages per minute)",
            "In flight (Messages - Active - Scheduled - Dead-lettered)",
            "Dead-letter queue depth",
            "Processing time (ms)",
        ]);
        assert.deepEqual(content.items[0].content.metrics, [{ namespace: "microsoft.servicebus/namespaces", metric: "microsoft.servicebus/namespaces--ActiveMessages", aggregation: 3, splitBy: "EntityName" }]);
        assert.deepEqual(content.items[0].content.filters, [{ key: "EntityName", operator: 0, values: ["shop-dev-jobs"] }]);
        assert.deepEqual(content.items[1].content.metrics, [{ namespace: "microsoft.servicebus/namespaces", metric: "microsoft.servicebus/namespaces--ActiveMessages", aggregation: 2, splitBy: "EntityName" }]);
        assert.deepEqual(content.items[1].content.filters, [{ key: "EntityName", operator: 0, values: ["shop-dev-jobs"] }]);
        assert.doesNotMatch(JSON.stringify(content), /customMetrics|QueueMessageAgeSeconds/);
        assert.deepEqual(content.items.filter((i: { type: number }) => i.type === 3).map((i: { name: string }) => i.name), ["Processing time (ms)"]);
        assert.match(content.items[4].content.query, /requests \| where cloud_RoleName in \("shop-dev-worker-resize-abc123"\)/);
    });

    it("leaves out processing time when there is no function worker", () => {
        const content = JSON.parse(workbookContent(namespaceId, ["shop-dev-jobs"], [], appInsights.id));
        assert.equal(content.items.length, 4);
    });
});

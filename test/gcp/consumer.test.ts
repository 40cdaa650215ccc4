import { strict as assert } from "node:assert";
import * as gcp from "../../components/gcp";
import { valueOf } from "../../components/testing/offline";
import { ofType } from "../helpers/resources";
import { runGcp } from "./offline-gcp";

describe("gcp roles composed alone from the queuestack/gcp entry", () => {
    it("a queue with its dead-letter topic and alarms on it, and nothing else", async () => {
        const { resources, result } = await runGcp(() => {
            const jobs = new gcp.Queue("jobs", { queue: { name: "jobs", maxReceiveCount: 7 } });
            new gcp.Alarms("jobs-alarms", { queues: [{ name: "jobs", subscriptionName: jobs.subscriptionName, deadLetterSubscriptionName: jobs.deadLetterSubscriptionName }] });
            return jobs;
        });
        assert.deepEqual(resources.filter((r) => !r.custom).map((r) => r.type).sort(), ["queuestack:gcp:Alarms", "queuestack:gcp:Queue"]);
        assert.equal(ofType(resources, "gcp:projects/service:Service").length, 0, "no APIs enabled behind the consumer's back");
        assert.equal(ofType(resources, "gcp:monitoring/alertPolicy:AlertPolicy").length, 2);
        assert.equal(await valueOf(result.deadLetterSubscriptionId), "projects/demo-project/subscriptions/queuestack-test-jobs-dlq");
    });
});

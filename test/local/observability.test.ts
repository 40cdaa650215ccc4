import { strict as assert } from "node:assert";
import { validateSpec } from "../../components/spec";
import { AlarmLog, evaluateAlarms } from "../../local/observability/alarms";
import { quantile, WorkerMetrics } from "../../local/observability/metrics";
import { renderFamilies } from "../../local/observability/prometheus";
import { capturedLogger } from "../workers/helpers/capture-logs";

const spec = validateSpec(
    {
        name: "obs",
        queues: [{ name: "scrape" }],
        workers: [{ name: "scraper", queue: "scrape" }],
        alarms: { deadLetterDepth: 3, oldestMessageAgeSeconds: 120, workerErrors: 2 },
    },
    "local",
);
const stats = (deadLetters: number, oldestAgeSeconds: number) => [{ queue: "scrape", visible: 1, inFlight: 0, delayed: 0, oldestAgeSeconds, deadLetters }];

describe("local alarms and metrics", () => {
    it("evaluates each threshold of the spec at its boundary", () => {
        const below = evaluateAlarms(spec.alarms, spec.workers, { queues: stats(2, 119.9), workerErrors: { scraper: 1 } });
        assert.deepEqual(below.map((a) => [a.name, a.rule, a.firing, a.value, a.threshold]), [
            ["scrape-dead-letters", "alarms.deadLetterDepth", false, 2, 3],
            ["scrape-oldest-message-age", "alarms.oldestMessageAgeSeconds", false, 119, 120],
            ["scraper-errors", "alarms.workerErrors", false, 1, 2],
        ]);
        const at = evaluateAlarms(spec.alarms, spec.workers, { queues: stats(3, 120), workerErrors: { scraper: 2 } });
        assert.deepEqual(at.map((a) => a.firing), [true, true, true]);
    });

    it("logs ALARM when a threshold is crossed and OK when it recovers, once each", () => {
        const { logger, lines } = capturedLogger();
        const log = new AlarmLog(logger);
        const evaluate = (dead: number) => log.update(evaluateAlarms(spec.alarms, spec.workers, { queues: stats(dead, 0), workerErrors: {} }));
        evaluate(0);
        evaluate(3);
        evaluate(4);
        evaluate(0);
        assert.deepEqual(lines.map((l) => [l.level, l.msg]), [
            ["warn", 'ALARM scrape-dead-letters: 3 message(s) in the dead-letter queue of "scrape" (alarm at 3)'],
            ["info", 'OK scrape-dead-letters: 0 message(s) in the dead-letter queue of "scrape" (alarm at 3)'],
        ]);
    });

    it("keeps processing times and failures for five minutes and takes nearest-rank quantiles", () => {
        let now = 0;
        const metrics = new WorkerMetrics(["w"], () => now);
        for (let ms = 1; ms <= 100; ms++) metrics.record({ worker: "w", queue: "q", outcome: ms % 10 === 0 ? "retry" : "done", disposition: "deleted", durationMs: ms });
        assert.deepEqual(metrics.latencies(), [{ worker: "w", p50Ms: 50, p99Ms: 99, samples: 100 }]);
        assert.equal(metrics.recentErrors("w"), 10);
        now = 300_001;
        assert.deepEqual(metrics.latencies(), [{ worker: "w", p50Ms: null, p99Ms: null, samples: 0 }]);
        assert.equal(metrics.recentErrors("w"), 0);
        assert.deepEqual(metrics.outcomes().sort((a, b) => a.outcome.localeCompare(b.outcome)), [
            { worker: "w", outcome: "done", count: 90 },
            { worker: "w", outcome: "retry", count: 10 },
        ]);
        assert.equal(quantile([], 0.5), null);
        assert.equal(quantile([7], 0.99), 7);
    });

    it("renders the Prometheus text format with escaped label values", () => {
        const text = renderFamilies([{ name: "x_total", help: "Things.", type: "counter", samples: [{ labels: { q: 'a"b\\c\nd' }, value: 3 }] }]);
        assert.equal(text, '# HELP x_total Things.\n# TYPE x_total counter\nx_total{q="a\\"b\\\\c\\nd"} 3\n');
    });
});

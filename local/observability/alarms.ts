import type { AlarmsSpec, Spec } from "../../components/spec";
import type { Logger } from "../../workers/runtime";
import type { QueueStats } from "../engine/types";
import { metricsWindowSeconds } from "./metrics";

/** One alarm's state after an evaluation. */
export interface AlarmState {
    /** e.g. "scrape-dead-letters", "scrape-oldest-message-age", "scraper-errors". */
    name: string;
    /** The spec field whose threshold it checks, e.g. "alarms.deadLetterDepth". */
    rule: string;
    firing: boolean;
    value: number;
    threshold: number;
    /** A sentence for the log and the dashboard. */
    description: string;
}

/** What an evaluation reads. */
export interface AlarmInputs {
    queues: QueueStats[];
    /** Failed deliveries per worker in the last five minutes. */
    workerErrors: Record<string, number>;
}

/** The spec's alarms, evaluated on local numbers: the same thresholds the clouds' alarms use. */
export function evaluateAlarms(alarms: AlarmsSpec, workers: Spec["workers"], inputs: AlarmInputs): AlarmState[] {
    const states: AlarmState[] = [];
    for (const q of inputs.queues) {
        states.push({
            name: `${q.queue}-dead-letters`,
            rule: "alarms.deadLetterDepth",
            firing: q.deadLetters >= alarms.deadLetterDepth,
            value: q.deadLetters,
            threshold: alarms.deadLetterDepth,
            description: `${q.deadLetters} message(s) in the dead-letter queue of "${q.queue}" (alarm at ${alarms.deadLetterDepth})`,
        });
        const age = Math.floor(q.oldestAgeSeconds);
        states.push({
            name: `${q.queue}-oldest-message-age`,
            rule: "alarms.oldestMessageAgeSeconds",
            firing: age >= alarms.oldestMessageAgeSeconds,
            value: age,
            threshold: alarms.oldestMessageAgeSeconds,
            description: `the oldest message in "${q.queue}" is ${age} s old (alarm at ${alarms.oldestMessageAgeSeconds} s)`,
        });
    }
    for (const worker of workers) {
        const errors = inputs.workerErrors[worker.name] ?? 0;
        states.push({
            name: `${worker.name}-errors`,
            rule: "alarms.workerErrors",
            firing: errors >= alarms.workerErrors,
            value: errors,
            threshold: alarms.workerErrors,
            description: `worker "${worker.name}" failed ${errors} time(s) in the last ${metricsWindowSeconds / 60} minutes (alarm at ${alarms.workerErrors})`,
        });
    }
    return states;
}

/** Logs alarm transitions: `ALARM <name>: ...` (warn) when one starts firing, `OK <name>: ...` (info) when it stops. */
export class AlarmLog {
    private readonly firing = new Set<string>();

    constructor(private readonly logger: Logger) {}

    /** Logs what changed since the last call; returns the states unchanged. */
    update(states: AlarmState[]): AlarmState[] {
        for (const state of states) {
            const was = this.firing.has(state.name);
            if (state.firing && !was) {
                this.firing.add(state.name);
                this.logger.warn({ alarm: state.name, rule: state.rule, value: state.value, threshold: state.threshold }, `ALARM ${state.name}: ${state.description}`);
            } else if (!state.firing && was) {
                this.firing.delete(state.name);
                this.logger.info({ alarm: state.name, rule: state.rule, value: state.value, threshold: state.threshold }, `OK ${state.name}: ${state.description}`);
            }
        }
        return states;
    }
}

import { type Cloud, cloudLimits } from "./clouds";
import { deduplicationOf } from "./derive";
import { type SpecIssue, type SpecPath, suggestion } from "./issues";
import { claimCheckedLifetimeDays, queueLevels } from "./pattern-derive";
import { type Spec, frontEndMaxBodyKb } from "./schema";

/** Names the stack uses for its own topics (aws: the alarm topic `<stack>-alarms`). */
const reservedTopicNames = ["alarms"];

const issue = (path: SpecPath, rule: string, received: unknown, fix: string): SpecIssue => ({ path, rule, received, fix });

/** Topic names are unique, distinct from queue names, and name existing queues that share one ordering. */
function topicRules(spec: Spec, cloud: Cloud): SpecIssue[] {
    const queueNames = spec.queues.map((q) => q.name);
    return spec.topics.flatMap((topic, i) => {
        const at = (...rest: (string | number)[]): SpecPath => ["topics", i, ...rest];
        const problems: SpecIssue[] = [];
        if (spec.topics.findIndex((t) => t.name === topic.name) < i) {
            problems.push(issue(at("name"), `repeats the topic name "${topic.name}"`, topic.name, "Give each topic its own name."));
        }
        const level = spec.queues.flatMap((q) => queueLevels(q).filter((l) => l.level !== undefined && l.name === topic.name));
        if (queueNames.includes(topic.name)) {
            problems.push(issue(at("name"), `must differ from every queue name ("${topic.name}" is a queue)`, topic.name,
                "Rename the topic, e.g. with an -events suffix, so POST /queues/<name> and POST /topics/<name> stay distinct."));
        } else if (level.length > 0) {
            problems.push(issue(at("name"), `must differ from every priority level's queue ("${topic.name}" is a level of queue "${topic.name.slice(0, -level[0]!.level!.length - 1)}")`,
                topic.name, "Rename the topic, e.g. with an -events suffix: on azure topics and queues share one namespace."));
        } else if (reservedTopicNames.includes(topic.name)) {
            problems.push(issue(at("name"), `must not be "${topic.name}" (the stack's own ${topic.name} topic has that name)`, topic.name,
                `Rename the topic, e.g. "${topic.name}-events".`));
        }
        topic.subscribers.forEach((name, j) => {
            if (!queueNames.includes(name)) {
                problems.push(issue(at("subscribers", j), "must name a queue in queues", name, suggestion(name, queueNames, "queues")));
            } else if (topic.subscribers.indexOf(name) < j) {
                problems.push(issue(at("subscribers", j), `repeats subscriber "${name}"`, name, "List each queue once; a queue receives one copy per topic."));
            }
        });
        const orderings = new Set(topic.subscribers.flatMap((name) => spec.queues.filter((q) => q.name === name).map((q) => q.ordering)));
        if (orderings.size > 1) {
            problems.push(issue(at("subscribers"), "must be all fifo queues or all unordered queues", topic.subscribers,
                "Split the topic in two: one for the fifo subscribers, one for the others (a topic is FIFO or not)."));
        }
        if (cloud === "azure" && spec.azure.serviceBusTier === "basic") {
            problems.push(issue(at("name"), "needs the standard or premium Service Bus tier on azure (Basic has no topics)", topic.name,
                "Set azure.serviceBusTier to standard."));
        }
        return problems;
    });
}

/** Group and dedup keys need the queue features they feed; priority levels are unique and exclude FIFO. */
function queuePatternRules(spec: Spec): SpecIssue[] {
    return spec.queues.flatMap((q, i) => {
        const at = (...rest: (string | number)[]): SpecPath => ["queues", i, ...rest];
        const problems: SpecIssue[] = [];
        if (q.groupKey && q.ordering !== "fifo") {
            problems.push(issue(at("groupKey"), "needs ordering: fifo (only FIFO queues keep groups)", q.groupKey,
                "Set ordering: fifo, or remove groupKey."));
        }
        if (q.deduplicationKey && deduplicationOf(q) !== "messageId") {
            problems.push(issue(at("deduplicationKey"), "needs deduplication: messageId (the queue deduplicates by the sender's id)", q.deduplicationKey,
                "Set deduplication: messageId, or remove deduplicationKey."));
        }
        if (q.maxDelaySeconds > 0 && q.ordering === "fifo") {
            problems.push(issue(at("maxDelaySeconds"), "must be 0 on a fifo queue (a delayed message would be overtaken by later messages of its group)",
                q.maxDelaySeconds, "Set it to 0, or use an unordered queue for delayed work."));
        }
        const levels = q.priorities?.levels ?? [];
        levels.forEach((level, j) => {
            if (levels.findIndex((l) => l.name === level.name) < j) {
                problems.push(issue(at("priorities", "levels", j, "name"), `repeats the level name "${level.name}"`, level.name, "Give each level its own name."));
            }
        });
        const fallback = q.priorities?.defaultLevel;
        if (fallback !== undefined && !levels.some((l) => l.name === fallback)) {
            problems.push(issue(at("priorities", "defaultLevel"), "must name one of the levels", fallback,
                suggestion(fallback, levels.map((l) => l.name), "levels")));
        }
        if (q.priorities && q.ordering === "fifo") {
            problems.push(issue(at("priorities"), "cannot combine with ordering: fifo (a group split across levels would run out of order)",
                levels.map((l) => l.name), "Remove priorities, or use an unordered queue."));
        }
        if (spec.queues.some((other) => levels.some((l) => other.name === `${q.name}-${l.name}`))) {
            const clash = levels.find((l) => spec.queues.some((other) => other.name === `${q.name}-${l.name}`))!;
            problems.push(issue(at("priorities", "levels"), `level "${clash.name}" makes queue "${q.name}-${clash.name}", which is already a queue name`,
                clash.name, "Rename the level or the other queue."));
        }
        return problems;
    });
}

/** A claim-checked body must outlive every message that can point at it, and must be reachable. */
function largeMessageRules(spec: Spec, cloud: Cloud): SpecIssue[] {
    const large = spec.largeMessages;
    if (!large.enabled) return [];
    const problems: SpecIssue[] = [];
    const needed = claimCheckedLifetimeDays(spec);
    if (large.expireDays !== undefined && large.expireDays <= needed) {
        problems.push(issue(["largeMessages", "expireDays"], `must be longer than the longest queue maxDelaySeconds + retention + dead-letter retention (${needed} days)`,
            large.expireDays, `Raise it to ${needed + 1} or remove it to use the default, so no message points at a deleted body.`));
    }
    const requestMaxKb = cloudLimits[cloud].requestBodyMaxKb;
    if (large.maxBodyMb * 1024 > requestMaxKb) {
        problems.push(issue(["largeMessages", "maxBodyMb"], `must be at most ${Math.floor(requestMaxKb / 1024)} on ${cloud} (the largest request its front end takes)`,
            large.maxBodyMb, `Lower it to ${Math.floor(requestMaxKb / 1024)} or less.`));
    }
    const smallest = Math.min(...spec.queues.map((q) => q.maxMessageKb));
    if (spec.frontEnd.maxBodyKb <= smallest) {
        problems.push(issue(["frontEnd", "maxBodyKb"], `must exceed the smallest queue maxMessageKb (${smallest}) when largeMessages is enabled`,
            spec.frontEnd.maxBodyKb, `Raise it (up to ${Math.min(large.maxBodyMb * 1024, cloudLimits[cloud].requestBodyMaxKb, frontEndMaxBodyKb)}) so bodies that need the claim check are accepted, or turn largeMessages off.`));
    }
    return problems;
}

/** Rules of the queue patterns: fan-out topics, group/dedup keys, delays, priorities, claim check. */
export function patternRules(spec: Spec, cloud: Cloud): SpecIssue[] {
    return [...topicRules(spec, cloud), ...queuePatternRules(spec), ...largeMessageRules(spec, cloud)];
}

import { IntakeError } from "./intake";

/** 404 for a fan-out topic name the stack does not have, listing the ones it does (spec topics). */
export function unknownTopicError(topicName: string, knownTopics: readonly string[]): IntakeError {
    const known = knownTopics.length === 0 ? "This stack has no topics (spec topics)." : `Known topics: ${[...knownTopics].sort().join(", ")}.`;
    return new IntakeError(404, `Unknown topic "${topicName}". ${known}`);
}

import { program } from "./program";

// Stack outputs (`pulumi stack output`): the same names on every cloud.
export const { frontEndUrl, queues, datastoreName, alarmTopic, apiKeySecret } = program();

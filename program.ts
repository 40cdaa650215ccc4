import { type WebQueueWorkerOutputs, WebQueueWorker, specFromConfig } from "./components";

/**
 * The Pulumi program: reads `queuestack:cloud` and `queuestack:spec` from the stack's config,
 * validates the spec (one error listing every problem, before any resource exists) and creates the
 * stack. Shared by index.ts (`pulumi up`) and the offline plan and policy runs.
 */
export function program(): WebQueueWorkerOutputs {
    const { cloud, spec } = specFromConfig();
    const stack = new WebQueueWorker(spec.name, { cloud, spec });
    return { frontEndUrl: stack.frontEndUrl, queues: stack.queues, datastoreName: stack.datastoreName, alarmTopic: stack.alarmTopic, apiKeySecret: stack.apiKeySecret };
}

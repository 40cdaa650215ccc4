import { ofType, type PlannedResource } from "../plan";

/**
 * Lambda's cap on a function's environment: all keys and values together at most 4 KB
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html, "Limits").
 */
export const lambdaEnvironmentLimitBytes = 4096;

/** Bytes of an environment as Lambda counts them: every key and value, UTF-8. */
export const environmentBytes = (variables: Record<string, unknown>) =>
    Object.entries(variables).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(String(value)), 0);

/** Every planned Lambda function whose environment is over the cap, with its size and largest variables. */
export function environmentProblems(resources: PlannedResource[]): { problems: string[]; largest: number } {
    let largest = 0;
    const problems = ofType(resources, "aws:lambda/function:Function").flatMap((fn) => {
        const variables = (fn.inputs.environment as { variables?: Record<string, unknown> } | undefined)?.variables ?? {};
        const bytes = environmentBytes(variables);
        largest = Math.max(largest, bytes);
        if (bytes <= lambdaEnvironmentLimitBytes) return [];
        const biggest = Object.entries(variables)
            .map(([key, value]) => [key, Buffer.byteLength(key) + Buffer.byteLength(String(value))] as const)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 3)
            .map(([key, size]) => `${key} ${size} B`);
        return [`${fn.name}: environment is ${bytes} bytes, over Lambda's ${lambdaEnvironmentLimitBytes} (largest: ${biggest.join(", ")}). Move large values out of the environment.`];
    });
    return { problems, largest };
}

import { ConfigError } from "./errors";

/** Environment variables, e.g. `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

const hint = "The queuestack components set it; when running this code by hand, export it.";

/** A required, non-empty variable. `meaning` says what it holds, for the error. */
export function requireString(env: Env, name: string, meaning: string): string {
    const value = env[name];
    if (value === undefined || value.trim() === "") {
        throw new ConfigError(`${name} is not set: ${meaning}. ${hint}`);
    }
    return value.trim();
}

/** A required whole number within [min, max]. */
export function requireInteger(env: Env, name: string, meaning: string, range: { min: number; max: number }): number {
    const text = requireString(env, name, meaning);
    const value = Number(text);
    if (!/^-?\d+$/.test(text) || value < range.min || value > range.max) {
        throw new ConfigError(
            `${name} must be a whole number from ${range.min} to ${range.max} (got "${text}"): ${meaning}.`,
        );
    }
    return value;
}

/** A required "true" or "false". */
export function requireBoolean(env: Env, name: string, meaning: string): boolean {
    const text = requireString(env, name, meaning);
    if (text !== "true" && text !== "false") {
        throw new ConfigError(`${name} must be "true" or "false" (got "${text}"): ${meaning}.`);
    }
    return text === "true";
}

/** A required JSON value, parsed. */
export function requireJson(env: Env, name: string, meaning: string): unknown {
    const text = requireString(env, name, meaning);
    try {
        return JSON.parse(text);
    } catch (error) {
        throw new ConfigError(`${name} must be valid JSON (${(error as Error).message}): ${meaning}.`);
    }
}

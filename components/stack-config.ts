import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** The stacks that have a Pulumi.<stack>.yaml in `dir`. */
export function stackNames(dir: string): string[] {
    return readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** Error for people: a stack file that is missing or unreadable. */
export class StackConfigError extends Error {
    override name = "StackConfigError";
}

/**
 * Reads `config:` from Pulumi.<stack>.yaml in `dir`, as Pulumi would hand it to the program
 * (`queuestack:spec` stays an object; other values as written).
 */
export function loadStackConfig(stack: string, dir: string = process.cwd()): Record<string, unknown> {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!existsSync(file)) {
        const known = stackNames(dir);
        throw new StackConfigError(
            `no stack file ${path.relative(process.cwd(), file) || file} (stack "${stack}"). ` +
                (known.length ? `Stacks here: ${known.join(", ")}.` : "Create one, e.g. Pulumi.dev.yaml."),
        );
    }
    let document: unknown;
    try {
        document = parse(readFileSync(file, "utf8"));
    } catch (error) {
        throw new StackConfigError(`${file} is not valid YAML: ${(error as Error).message}`);
    }
    const config = (document as { config?: unknown } | null)?.config;
    if (config === undefined) return {};
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
        throw new StackConfigError(`${file}: "config" must be a mapping of keys to values (got ${JSON.stringify(config)}).`);
    }
    return config as Record<string, unknown>;
}

/**
 * Reads `body.<field>[.<field>...]` paths (the spec's `idempotency.key`, `queues[].groupKey` and
 * `queues[].deduplicationKey`) out of a decoded JSON message body.
 */

const pathPattern = /^body((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/;

/** The fields of a `body.<field>[.<field>...]` path, or undefined when `path` is not one. */
export function bodyPathFields(path: string): string[] | undefined {
    const match = pathPattern.exec(path);
    return match ? match[1]!.slice(1).split(".") : undefined;
}

/**
 * The value at `fields` in `body` as a string: a string as it is, any other value as JSON.
 * Undefined when the value is absent, null or "" (nothing to key on).
 */
export function valueAtFields(body: unknown, fields: readonly string[]): string | undefined {
    let value: unknown = body;
    for (const field of fields) {
        value = value !== null && typeof value === "object" && Object.hasOwn(value, field) ? (value as Record<string, unknown>)[field] : undefined;
    }
    if (value === undefined || value === null || value === "") return undefined;
    return typeof value === "string" ? value : JSON.stringify(value);
}

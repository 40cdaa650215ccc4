/**
 * Ends a command with `code` once stdout has been flushed: exiting straight after a large write to a
 * pipe (`queuestack plan --format json | jq`) would otherwise cut the output short.
 */
export function exitWhenFlushed(code: number): void {
    process.stdout.write("", () => process.exit(code));
}

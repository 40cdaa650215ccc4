#!/usr/bin/env node
// Launcher for the `queuestack` command. It runs the compiled dist/cli/queuestack.js whenever that
// is current: always in the published package (which ships no .ts sources), and in the repository
// once `npm run build` has compiled it and no source under the folders it reads has changed since.
// Otherwise it runs the TypeScript source through tsx, whose transpile-at-start costs seconds per
// call (see bench/cli-startup). QUEUESTACK_FROM_SOURCE=1 forces the source.
"use strict";
const { existsSync, readdirSync, statSync } = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const source = path.join(root, "cli", "queuestack.ts");
const compiled = path.join(root, "dist", "cli", "queuestack.js");

/** Newest modification time of the .ts and .html files under `dir` (0 when there are none). */
function newestSource(dir) {
    let newest = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
        else if (entry.name.endsWith(".ts") || entry.name.endsWith(".html")) newest = Math.max(newest, statSync(full).mtimeMs);
    }
    return newest;
}

/** Whether dist is at least as new as every source it was compiled from (the folders the CLI loads). */
function compiledIsCurrent() {
    if (!existsSync(compiled)) return false;
    const built = statSync(compiled).mtimeMs;
    return ["cli", "operations", "components", "local", "workers", "policies", "rehearse"].every((dir) => !existsSync(path.join(root, dir)) || newestSource(path.join(root, dir)) <= built);
}

let cli;
if (existsSync(source) && (process.env.QUEUESTACK_FROM_SOURCE === "1" || !compiledIsCurrent())) {
    require("tsx/cjs");
    cli = require(source);
} else {
    cli = require(compiled);
}
// Exit once stdout is flushed: a pipe (queuestack plan --format json | jq) would otherwise lose the tail.
cli.run(process.argv.slice(2)).then(cli.exitWhenFlushed);

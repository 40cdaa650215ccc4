#!/usr/bin/env node
// Launcher for the `queuestack` command: the TypeScript source through tsx inside the repository,
// the compiled dist/cli/queuestack.js in the published package (which ships no .ts sources).
"use strict";
const { existsSync } = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const source = path.join(root, "cli", "queuestack.ts");
let cli;
if (existsSync(source)) {
    require("tsx/cjs");
    cli = require(source);
} else {
    cli = require(path.join(root, "dist", "cli", "queuestack.js"));
}
// Exit once stdout is flushed: a pipe (queuestack plan --format json | jq) would otherwise lose the tail.
cli.run(process.argv.slice(2)).then(cli.exitWhenFlushed);

"use strict";
// A mocha reporter: the spec output, plus each file's wall time, test count and the hooks slower than
// 200 ms written as JSON to `--reporter-option out=<file>` (default file-times.json). For serial runs:
// with --parallel, mocha replays a file's events after the file finished. See test/README.md.
const { writeFileSync } = require("node:fs");
const Mocha = require("mocha");

const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_HOOK_BEGIN, EVENT_HOOK_END, EVENT_RUN_END } = Mocha.Runner.constants;

class FileTimes extends Mocha.reporters.Spec {
    constructor(runner, options) {
        super(runner, options);
        const out = (options.reporterOption && options.reporterOption.out) || "file-times.json";
        const files = {};
        const hooks = [];
        const began = new Map();
        const hookBegan = new Map();
        const fileOf = (runnable) => (runnable && runnable.file) || "(root)";
        const entry = (file) => (files[file] ??= { ms: 0, tests: 0, failed: 0 });
        runner.on(EVENT_SUITE_BEGIN, (suite) => suite.parent && suite.parent.root && began.set(suite, Date.now()));
        runner.on(EVENT_SUITE_END, (suite) => began.has(suite) && (entry(fileOf(suite)).ms += Date.now() - began.get(suite)));
        runner.on(EVENT_TEST_PASS, (test) => entry(fileOf(test)).tests++);
        runner.on(EVENT_TEST_FAIL, (test) => {
            if (test.type === "hook") return;
            entry(fileOf(test)).tests++;
            entry(fileOf(test)).failed++;
        });
        runner.on(EVENT_HOOK_BEGIN, (hook) => hookBegan.set(hook, Date.now()));
        runner.on(EVENT_HOOK_END, (hook) => {
            const ms = Date.now() - (hookBegan.get(hook) ?? Date.now());
            if (ms > 200) hooks.push({ file: fileOf(hook), title: hook.fullTitle(), ms });
        });
        runner.once(EVENT_RUN_END, () => {
            const sorted = Object.fromEntries(Object.entries(files).sort(([, a], [, b]) => b.ms - a.ms));
            writeFileSync(out, JSON.stringify({ files: sorted, hooks: hooks.sort((a, b) => b.ms - a.ms) }, null, 1));
        });
    }
}

module.exports = FileTimes;

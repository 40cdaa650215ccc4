import { strict as assert } from "node:assert";
import { azureWorkerEntries } from "../../../components/azure/code";
import { bundleWorker } from "../../../components/build/bundle";

interface Registration {
    metadata: { name: string; bindings: Record<string, Record<string, unknown>> };
    handler: unknown;
}

/**
 * Loads a Function App bundle as the Azure Functions Node.js worker would, with a recording
 * stand-in for the worker's `@azure/functions-core` module: returns the functions it registered.
 */
function loadFunctionApp(code: string, env: Record<string, string>): Registration[] {
    const registered: Registration[] = [];
    const core = {
        setProgrammingModel: () => undefined,
        registerHook: () => ({ dispose: () => undefined }),
        registerFunction: (metadata: Registration["metadata"], handler: unknown) => (registered.push({ metadata, handler }), { dispose: () => undefined }),
        log: () => undefined,
    };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
        const module = { exports: {} };
        const load = new Function("require", "module", "exports", code);
        load((name: string) => (name === "@azure/functions-core" ? core : require(name)), module, module.exports);
    } finally {
        for (const name of Object.keys(env)) if (saved[name] === undefined) delete process.env[name];
        Object.assign(process.env, saved);
    }
    return registered;
}

const triggerOf = (registration: Registration) => Object.values(registration.metadata.bindings).find((b) => b.direction === "in")!;

describe("azure: the adapter entries bundle with components/build/bundle.ts", function () {
    this.timeout(30_000);

    it("function worker: registers one Service Bus trigger that auto-completes, identity connection, queue and sessions from the app settings", async () => {
        const code = await bundleWorker({ entry: azureWorkerEntries.functionWorker, handlerModule: "workers/example" });
        assert.ok(!code.includes("queuestack:handler"), "the user's module is bundled in");
        const registered = loadFunctionApp(code, { QUEUESTACK_QUEUE_SESSIONS: "true" });
        assert.deepEqual(registered.map((r) => r.metadata.name), ["worker"]);
        const { name, properties, ...trigger } = triggerOf(registered[0]);
        void name;
        void properties;
        assert.deepEqual(trigger, {
            type: "serviceBusTrigger",
            direction: "in",
            connection: "ServiceBusConnection",
            queueName: "%QUEUESTACK_QUEUE_NAME%",
            isSessionsEnabled: true,
            autoCompleteMessages: true,
            cardinality: "one",
        });
    });

    it("front end: registers one anonymous HTTP trigger on every path (the app checks the API key)", async () => {
        const registered = loadFunctionApp(await bundleWorker({ entry: azureWorkerEntries.frontEnd }), {});
        assert.deepEqual(registered.map((r) => r.metadata.name), ["front-end"]);
        const trigger = triggerOf(registered[0]);
        assert.deepEqual([trigger.type, trigger.route, trigger.authLevel, trigger.methods], ["httpTrigger", "{*path}", "anonymous", ["GET", "POST"]]);
    });

    it("VM receiver: one runnable script with the user's module and the SDKs inside", async () => {
        const code = await bundleWorker({ entry: azureWorkerEntries.vmReceiver, handlerModule: "workers/example" });
        assert.ok(!code.includes("queuestack:handler"));
        assert.ok(!/require\("@azure\//.test(code), "no @azure package is left to require at run time");
    });
});

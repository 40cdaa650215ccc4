import { GcpTarget } from "../../operations/targets/gcp";
import { redrive } from "../../operations/redrive";
import { modifyAckDeadline, pull } from "../../workers/gcp/pubsub-api";
import type { DeadLetterRoute, StackDriver } from "../driver";
import { startErrorRecorder } from "../emulators/error-recorder";
import type { Emulator } from "../emulators/process";
import { lastError, startFunction, type FunctionHost } from "../function-host";
import { archiveFiles, ofType, plannedState, stringInput, unwrapSecret, type PlannedResource } from "../plan";
import { bootService, startVmService, type VmService } from "../vm-service";
import { pushOnce, type PushTrigger } from "./push-trigger";
import type { GcpStandUp } from "./stand-up";

/** The most delivery rounds one drain makes (a stuck loop fails instead of spinning). */
const maxRounds = 400;
/** Longest wait for a refused message to come back (the emulator redelivers a nack within about 300 ms). */
const redeliveryWaitMs = 15_000;

interface PlannedFunction {
    name: string;
    role?: string;
    entryPoint: string;
    timeoutSeconds: number;
    env: Record<string, string>;
    secrets: { key: string; secret: string }[];
    source: { bucket: string; object: string };
    uri: string;
}

function plannedFunction(fn: PlannedResource): PlannedFunction {
    const inputs = fn.inputs as {
        buildConfig: { entryPoint: string; source: { storageSource: { bucket: string; object: string } } };
        serviceConfig: { environmentVariables?: Record<string, string>; secretEnvironmentVariables?: { key: string; secret: string }[]; timeoutSeconds?: number };
        labels?: Record<string, string>;
    };
    const state = plannedState(fn) as { serviceConfig?: { uri?: string } };
    return {
        name: stringInput(fn, "name") ?? fn.name,
        role: inputs.labels?.["queuestack-role"],
        entryPoint: inputs.buildConfig.entryPoint,
        timeoutSeconds: inputs.serviceConfig.timeoutSeconds ?? 60,
        env: inputs.serviceConfig.environmentVariables ?? {},
        secrets: inputs.serviceConfig.secretEnvironmentVariables ?? [],
        source: inputs.buildConfig.source.storageSource,
        uri: state.serviceConfig?.uri ?? "",
    };
}

/** The planned value of secret `secretId` (its SecretVersion's secretData): what Secret Manager would hand the function. */
function secretValue(resources: PlannedResource[], secretId: string): string | undefined {
    const version = ofType(resources, "gcp:secretmanager/secretVersion:SecretVersion").find((v) => String(stringInput(v, "secret")).endsWith(`/secrets/${secretId}`));
    const value = version && unwrapSecret(version.inputs.secretData);
    return typeof value === "string" ? value : undefined;
}

/** The bucket object a planned `<bucket>/<object>` names. */
const bucketObject = (resources: PlannedResource[], bucket: string, object: string) =>
    ofType(resources, "gcp:storage/bucketObject:BucketObject").find((o) => stringInput(o, "bucket") === bucket && stringInput(o, "name") === object);

export interface GcpDriverArgs {
    project: string;
    resources: PlannedResource[];
    standUp: GcpStandUp;
    pubsubEmulator: Emulator;
    firestoreEmulator: Emulator;
}

/**
 * The GCP stack on the emulators, driven as Google Cloud would: each planned Cloud Function's
 * uploaded source in its own process behind a Functions Framework-style request, with exactly its
 * planned environment and secret variables, the emulators' hosts standing in for the service
 * account's credentials; each planned push subscription delivered as push envelopes to the function
 * at its planned endpoint; each VM worker's bundle run as its boot script's service.
 */
export async function gcpDriver(args: GcpDriverArgs): Promise<StackDriver & { vmServices: Map<string, VmService>; stop(): Promise<void> }> {
    const { resources, standUp, project } = args;
    const recorders = await Promise.all([startErrorRecorder(args.pubsubEmulator.endpoint), startErrorRecorder(args.firestoreEmulator.endpoint)]);
    const [pubsubHost, firestoreHost] = recorders.map((r) => r.endpoint.replace(/^http:\/\//, ""));
    const emulatorEnv = { PUBSUB_EMULATOR_HOST: pubsubHost!, FIRESTORE_EMULATOR_HOST: firestoreHost! };
    const hosts = new Map<string, { fn: PlannedFunction; host: FunctionHost }>();
    for (const resource of ofType(resources, "gcp:cloudfunctionsv2/function:Function")) {
        const fn = plannedFunction(resource);
        const object = bucketObject(resources, fn.source.bucket, fn.source.object);
        if (!object) throw new Error(`function ${fn.name}: no planned bucket object gs://${fn.source.bucket}/${fn.source.object} holds its source`);
        const files = await archiveFiles(object.inputs.source);
        const main = (JSON.parse(files["package.json"] ?? "{}") as { main?: string }).main ?? "index.js";
        const secrets: Record<string, string> = {};
        for (const { key, secret } of fn.secrets) {
            const value = secretValue(resources, secret);
            if (value === undefined) throw new Error(`function ${fn.name}: secret variable ${key} names secret "${secret}", which has no planned version`);
            secrets[key] = value;
        }
        hosts.set(fn.name, {
            fn,
            host: startFunction({
                name: fn.name,
                files,
                handler: `${main.replace(/\.js$/, "")}.${fn.entryPoint}`,
                style: "functions-framework",
                timeoutSeconds: fn.timeoutSeconds,
                // Cloud Run sets K_SERVICE/K_REVISION/PORT; the Functions Framework its target and signature.
                env: { ...fn.env, ...secrets, ...emulatorEnv, K_SERVICE: fn.name, K_REVISION: `${fn.name}-00001-rehearsal`, K_CONFIGURATION: fn.name, PORT: "8080", FUNCTION_TARGET: fn.entryPoint, FUNCTION_SIGNATURE_TYPE: "http" },
            }),
        });
    }
    const frontEnd = [...hosts.values()].find((h) => h.fn.role === "front-end");
    const triggers: PushTrigger[] = standUp.subscriptions.flatMap((subscription) => {
        if (!subscription.pushEndpoint) return [];
        const target = [...hosts.values()].find((h) => subscription.pushEndpoint!.startsWith(h.fn.uri));
        if (!target) throw new Error(`push subscription ${subscription.name}: no planned function serves its endpoint ${subscription.pushEndpoint}`);
        return [{ subscription, functionName: target.fn.name, host: target.host }];
    });
    const vmServices = new Map<string, VmService>();
    const deadLetterRoutes: DeadLetterRoute[] = standUp.subscriptions.flatMap((s) => {
        const deadLetter = s.deadLetterTopic && standUp.subscriptions.find((d) => d.topic === s.deadLetterTopic);
        return deadLetter ? [{ source: s.name.split("/").pop()!, deadLetter: deadLetter.name.split("/").pop()!, maxAttempts: s.maxDeliveryAttempts ?? 5 }] : [];
    });
    const full = (name: string) => `projects/${project}/subscriptions/${name}`;
    const admin = standUp.pubsub;
    /** Bodies dead-lettered by the last drain, per dead-letter subscription, not yet seen there. */
    const expected = new Map<string, number>();

    const peek = async (subscription: string) => {
        const received = await pull(admin, subscription, 100, { returnImmediately: true });
        if (received.length) await modifyAckDeadline(admin, subscription, received.map((r) => r.ackId), 0);
        return received.map((r) => Buffer.from(r.message.data ?? "", "base64").toString("utf8"));
    };

    return {
        vmServices,
        async request(request) {
            if (!frontEnd) return { status: 404, body: { message: "no planned front end function" } };
            const outcome = await frontEnd.host.invoke({ method: request.method, path: request.path, headers: request.headers ?? {}, body: request.body });
            if (!outcome.ok) return { status: 500, body: { message: "Internal Server Error", error: outcome.error.split("\n")[0] } };
            const result = outcome.result as { statusCode: number; body: string };
            let body: unknown = result.body;
            try {
                body = JSON.parse(result.body);
            } catch {
                // not JSON
            }
            return result.statusCode >= 500 ? { status: result.statusCode, body, logs: lastError(frontEnd.host.logs()) } : { status: result.statusCode, body };
        },
        async credentials(): Promise<Record<string, string>> {
            const key = frontEnd?.fn.secrets.find((s) => s.key === "QUEUESTACK_API_KEY");
            const value = key && secretValue(resources, key.secret);
            return value ? { "x-api-key": value } : {};
        },
        async drain() {
            const deliveries = new Map<string, number>();
            const errors: string[] = [];
            // Messages refused before their planned last attempt come back: the drain waits for them.
            const pending = new Set<string>();
            const seen = (body: string, messageId: string) => {
                deliveries.set(body, (deliveries.get(body) ?? 0) + 1);
                pending.delete(messageId);
            };
            let idleSince: number | undefined;
            for (let round = 0; round < maxRounds; round++) {
                let delivered = 0;
                for (const trigger of triggers) {
                    const outcome = await pushOnce(trigger, admin, seen);
                    delivered += outcome.delivered;
                    errors.push(...outcome.errors);
                    for (const { messageId, attempt } of outcome.nacked) {
                        const route = deadLetterRoutes.find((r) => full(r.source) === trigger.subscription.name);
                        if (route && (attempt ?? 1) >= route.maxAttempts) expected.set(route.deadLetter, (expected.get(route.deadLetter) ?? 0) + 1);
                        else pending.add(messageId);
                    }
                }
                if (delivered > 0) {
                    idleSince = undefined;
                    continue;
                }
                if (pending.size === 0) break;
                idleSince ??= Date.now();
                if (Date.now() - idleSince > redeliveryWaitMs) {
                    errors.push(`${pending.size} refused message(s) were not delivered again within ${redeliveryWaitMs / 1000} s`);
                    break;
                }
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
            return { deliveries, errors };
        },
        deadLetterRoutes: () => deadLetterRoutes,
        async deadLetters(route) {
            // The emulator moves a message to the dead-letter topic shortly after its last refusal.
            const until = Date.now() + (expected.get(route.deadLetter) ? 10_000 : 0);
            for (;;) {
                const bodies = await peek(full(route.deadLetter));
                if (bodies.length || Date.now() >= until) {
                    expected.delete(route.deadLetter);
                    return bodies;
                }
                await new Promise((resolve) => setTimeout(resolve, 150));
            }
        },
        async redrive(route) {
            // The operator's own redrive (`queuestack dlq redrive`) against the emulator.
            const target = new GcpTarget({ project, queues: { [route.source]: { subscription: full(route.source), deadLetterSubscription: full(route.deadLetter) } }, endpoint: args.pubsubEmulator.hostPort });
            try {
                return (await redrive(target, route.source)).moved;
            } finally {
                await target.close();
            }
        },
        async startConsumers() {
            for (const template of ofType(resources, "gcp:compute/instanceTemplate:InstanceTemplate")) {
                const metadata = (template.inputs.metadata ?? {}) as Record<string, string>;
                const script = metadata["startup-script"];
                if (!script) continue;
                const service = bootService(script);
                const [, bucket, object] = /^gs:\/\/([^/]+)\/(.+)$/.exec(service.bundleSource) ?? [];
                const code = bucketObject(resources, bucket!, object!);
                const bundle = code && unwrapSecret(code.inputs.content);
                if (typeof bundle !== "string") throw new Error(`instance template ${template.name}: its boot script fetches ${service.bundleSource}, which no planned bucket object holds`);
                vmServices.set(stringInput(template, "namePrefix") ?? template.name, startVmService(bundle, service.environment, emulatorEnv));
            }
        },
        consumerLogs: () =>
            [...vmServices.entries()].flatMap(([name, s]) => {
                const said = s.running() ? lastError(s.logs(), true) : lastError(s.logs());
                return said ? [`VM service ${name}${s.running() ? "" : " exited"}: ${said}`] : [];
            }),
        emulatorErrors: () => recorders.flatMap((r) => r.take().map((a) => `${a.status} ${a.text}`)).filter((text) => !text.startsWith("404 NOT_FOUND")),
        async stop() {
            await Promise.all([...hosts.values()].map((h) => h.host.stop()));
            await Promise.all([...vmServices.values()].map((s) => s.stop()));
            await Promise.all(recorders.map((r) => r.stop()));
        },
    };
}

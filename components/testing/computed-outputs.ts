/**
 * Output-only properties of provider resources (ARNs, URLs, host names, ids the provider
 * computes), so that an offline run of any program can give each a plausible value: a program that
 * reads `functionUrl.apply((u) => new URL(u).host)` must not fail on `undefined`.
 */

interface RuntimeResourceModule {
    registerResource(res: object, parent: unknown, type: string, name: string, ...rest: unknown[]): unknown;
}

const outputsByClass = new WeakMap<object, string[]>();

/**
 * The output-only properties a Pulumi-generated resource class declares: its constructor sets
 * them to `undefined /*out*\/` (every provider SDK is generated that way). Empty for components
 * and hand-written classes.
 */
function declaredOutputs(constructor: object): string[] {
    let names = outputsByClass.get(constructor);
    if (!names) {
        const source = Function.prototype.toString.call(constructor);
        names = [...new Set([...source.matchAll(/resourceInputs\["(\w+)"\] = undefined \/\*out\*\//g)].map((m) => m[1]))];
        outputsByClass.set(constructor, names);
    }
    return names;
}

/**
 * Records, while installed, the output-only properties of each resource registered, keyed by
 * `<type>::<name>`. `restore` puts Pulumi's own registration back.
 */
export function recordDeclaredOutputs(): { outputs: Map<string, string[]>; restore(): void } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtime = require("@pulumi/pulumi/runtime/resource") as RuntimeResourceModule;
    const original = runtime.registerResource;
    const outputs = new Map<string, string[]>();
    runtime.registerResource = function (res, parent, type, name, ...rest) {
        outputs.set(`${type}::${name}`, declaredOutputs(res.constructor));
        return original.call(this, res, parent, type, name, ...rest);
    };
    return { outputs, restore: () => void (runtime.registerResource = original) };
}

/** Well-known outputs ordinary programs read, in the format the provider returns. */
const knownFormats: Record<string, (name: string) => string> = {
    "aws:lambda/functionUrl:FunctionUrl.functionUrl": (name) => `https://${name}.lambda-url.eu-west-1.on.aws/`,
    "aws:cloudfront/distribution:Distribution.domainName": () => "d111111abcdef8.cloudfront.net",
    "aws:cloudfront/distribution:Distribution.hostedZoneId": () => "Z2FDTNDATAQYW2",
    "aws:apigateway/restApi:RestApi.rootResourceId": (name) => `${name}-root`,
    "aws:apigateway/stage:Stage.invokeUrl": (name) => `https://${name}.execute-api.eu-west-1.amazonaws.com/stage`,
    "aws:lb/loadBalancer:LoadBalancer.dnsName": (name) => `${name}-123456789.eu-west-1.elb.amazonaws.com`,
    "aws:s3/bucketV2:BucketV2.bucketRegionalDomainName": (name) => `${name}.s3.eu-west-1.amazonaws.com`,
    "aws:s3/bucket:Bucket.bucketRegionalDomainName": (name) => `${name}.s3.eu-west-1.amazonaws.com`,
    "gcp:cloudrunv2/service:Service.uri": (name) => `https://${name}-abc123-ew.a.run.app`,
    "gcp:cloudfunctions/function:Function.httpsTriggerUrl": (name) => `https://europe-west1-demo-project.cloudfunctions.net/${name}`,
};

/**
 * A value of the provider's shape for each output-only property in `outputs` that `state` does
 * not already hold, chosen by the property's name: `...Arn` an ARN, `...Url`/`...Uri`/`...Endpoint`
 * an https URL, `...DomainName`/`...HostName` a host, `...Id` an id, `...Name` the name. Other
 * outputs (numbers, lists, objects) stay unset, as they were.
 */
export function placeholderOutputs(type: string, name: string, outputs: readonly string[], state: Record<string, unknown>): Record<string, unknown> {
    const [pkg, module = ""] = type.split(":");
    const service = module.split("/")[0] || pkg;
    const values: Record<string, unknown> = {};
    for (const output of outputs) {
        if (state[output] !== undefined) continue;
        const known = knownFormats[`${type}.${output}`];
        if (known) values[output] = known(name);
        else if (/(^a|A)rn$/.test(output)) values[output] = `arn:aws:${service}:eu-west-1:123456789012:${name}`;
        else if (/(^u|U)r[li]$|(^e|E)ndpoint$/.test(output)) values[output] = `https://${name}.${service}.offline.invalid/`;
        else if (/(^d|D)omain(Name)?$|(^h|H)ost[Nn]ame$|(^f|F)qdn$|(^d|D)nsName$/.test(output)) values[output] = `${name}.${service}.offline.invalid`;
        else if (/(^i|I)d$/.test(output)) values[output] = `${name}-${output}`;
        else if (/(^n|N)ame$/.test(output)) values[output] = name;
    }
    return values;
}

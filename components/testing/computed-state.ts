import type { MockResourceArgs } from "@pulumi/pulumi/runtime";

/**
 * Values a provider would compute (ids, ARNs, URLs) for a mocked resource, so outputs that depend
 * on them resolve in offline runs. Shaped after each cloud's formats; never sent anywhere.
 */
export function computedState(args: MockResourceArgs): Record<string, unknown> {
    const name: string = args.inputs.name ?? args.name;
    const [pkg] = args.type.split(":");
    const common: Record<string, unknown> = { id: `${name}-id` };
    if (pkg === "aws") {
        const service = args.type.split(":")[1];
        Object.assign(common, {
            arn: `arn:aws:${service}:eu-west-1:123456789012:${name}`,
            url: `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`,
            name,
        });
        if (args.type === "aws:apigatewayv2/api:Api") common.apiEndpoint = `https://${name}.execute-api.eu-west-1.amazonaws.com`;
        if (args.type === "aws:apigatewayv2/stage:Stage") common.invokeUrl = `https://api.execute-api.eu-west-1.amazonaws.com/${args.inputs.name}`;
        if (args.type === "aws:lambda/function:Function") common.invokeArn = `arn:aws:apigateway:eu-west-1:lambda:path/functions/${name}/invocations`;
        if (args.type === "aws:iam/role:Role") common.uniqueId = `AROA${name.toUpperCase()}`;
    } else if (pkg === "azure-native") {
        common.id = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/${args.type}/${name}`;
        common.name = name;
    } else if (pkg === "gcp") {
        common.name = name;
        common.id = `projects/demo-project/${args.type.split(":")[1]}/${name}`;
        common.email = `${args.inputs.accountId ?? name}@demo-project.iam.gserviceaccount.com`;
    }
    return common;
}

import { strict as assert } from "node:assert";
import { FrontEnd } from "../../components/aws/front-end";
import { runOffline, valueOf } from "../../components/testing/offline";
import { routingTable } from "./package-files";
import { jsonInput, ofType, one } from "../helpers/resources";

const queues = {
    jobs: { url: "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-jobs", arn: "arn:aws:sqs:eu-west-1:123456789012:shop-dev-jobs", fifo: false },
    orders: { url: "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-orders.fifo", arn: "arn:aws:sqs:eu-west-1:123456789012:shop-dev-orders.fifo", fifo: true },
};
const table = { tableName: "shop-dev-data", tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dev-data" };
const plan = (frontEnd?: { auth?: "apiKey" | "none"; maxBodyKb?: number }) =>
    runOffline(() => new FrontEnd("web", { namePrefix: ["shop", "dev"], frontEnd, queues, table }));

describe("aws FrontEnd", () => {
    it("routes POST /queues/{queue}/messages and GET /jobs/{id} through an HTTP API to its Lambda", async () => {
        const { resources, result } = await plan();
        assert.equal(one(resources, "aws:apigatewayv2/api:Api").inputs.protocolType, "HTTP");
        const integration = one(resources, "aws:apigatewayv2/integration:Integration");
        assert.equal(integration.inputs.integrationType, "AWS_PROXY");
        assert.equal(integration.inputs.payloadFormatVersion, "2.0");
        assert.deepEqual(ofType(resources, "aws:apigatewayv2/route:Route").map((r) => r.inputs.routeKey).sort(), ["GET /jobs/{id}", "POST /queues/{queue}/messages"]);
        const stage = one(resources, "aws:apigatewayv2/stage:Stage");
        assert.equal(stage.inputs.autoDeploy, true);
        assert.deepEqual(stage.inputs.defaultRouteSettings, { throttlingRateLimit: 100, throttlingBurstLimit: 200 });
        const permission = one(resources, "aws:lambda/permission:Permission");
        assert.equal(permission.inputs.principal, "apigateway.amazonaws.com");
        assert.equal(permission.inputs.sourceArn, "arn:aws:execute-api:eu-west-1:123456789012:shop-dev-api/*/*");
        assert.equal(await valueOf(result.url), "https://shop-dev-api.execute-api.eu-west-1.amazonaws.com/");
    });

    it("turns API-key auth on by default: a generated key in Secrets Manager that only the front end may read", async () => {
        const { resources, result } = await plan();
        const secret = one(resources, "aws:secretsmanager/secret:Secret");
        // A generated suffix: destroy then deploy within the 7-day recovery window must not collide with the deleted secret.
        assert.equal(secret.inputs.name, undefined);
        assert.equal(secret.inputs.namePrefix, "shop-dev-api-key-");
        assert.equal(secret.inputs.recoveryWindowInDays, 7);
        assert.equal(one(resources, "random:index/randomPassword:RandomPassword").inputs.length, 40);
        const env = (one(resources, "aws:lambda/function:Function").inputs.environment as { variables: Record<string, string> }).variables;
        assert.equal(env.QUEUESTACK_AUTH, "apiKey");
        assert.equal(env.QUEUESTACK_API_KEY_SECRET_ARN, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-dev-api-key-20261204000000000000000001-AbCdEf");
        assert.ok(!Object.values(env).some((v) => v.includes("offline-web-api-key-value")), "the key value is never in the environment");
        assert.equal(env.QUEUESTACK_MAX_BODY_BYTES, String(256 * 1024));
        assert.equal(env.QUEUESTACK_ROUTES_FILE, "queuestack-routes.json");
        assert.equal(env.QUEUESTACK_QUEUES, undefined, "the routing table is in the package, not the environment");
        assert.deepEqual(await routingTable(one(resources, "aws:lambda/function:Function")), {
            QUEUESTACK_QUEUES: { jobs: { url: queues.jobs.url, fifo: false }, orders: { url: queues.orders.url, fifo: true } },
        });
        const statements = jsonInput(one(resources, "aws:iam/rolePolicy:RolePolicy"), "policy").Statement;
        assert.deepEqual(statements.slice(1), [
            { Sid: "SendToOwnQueues", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [queues.jobs.arn, queues.orders.arn] },
            { Sid: "ReadJobStatus", Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: table.tableArn },
            { Sid: "RecordAcceptedJobs", Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: table.tableArn },
            { Sid: "ReadApiKey", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-dev-api-key-20261204000000000000000001-AbCdEf" },
        ]);
        assert.equal(await valueOf(result.apiKeySecretArn!), "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-dev-api-key-20261204000000000000000001-AbCdEf");
    });

    it("has no key, secret or secret permission with an explicit auth: none, and applies the body limit", async () => {
        const { resources, result } = await plan({ auth: "none", maxBodyKb: 64 });
        assert.equal(ofType(resources, "aws:secretsmanager/secret:Secret").length, 0);
        assert.equal(ofType(resources, "random:index/randomPassword:RandomPassword").length, 0);
        const env = (one(resources, "aws:lambda/function:Function").inputs.environment as { variables: Record<string, string> }).variables;
        assert.equal(env.QUEUESTACK_AUTH, "none");
        assert.equal(env.QUEUESTACK_API_KEY_SECRET_ARN, undefined);
        assert.equal(env.QUEUESTACK_MAX_BODY_BYTES, "65536");
        assert.ok(!JSON.stringify(jsonInput(one(resources, "aws:iam/rolePolicy:RolePolicy"), "policy")).includes("secretsmanager"));
        assert.equal(result.apiKeySecretArn, undefined);
    });
});

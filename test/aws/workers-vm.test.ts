import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { deployedRuntimes } from "../../components/runtimes";
import { Network, subnetCidr } from "../../components/aws/network";
import { VmWorker } from "../../components/aws/workers-vm";
import { runOffline } from "../../components/testing/offline";
import { jsonInput, ofType, one } from "../helpers/resources";

const queueArn = "arn:aws:sqs:eu-west-1:123456789012:shop-dev-jobs";
const tableArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dev-data";

const plan = () =>
    runOffline(() =>
        new VmWorker("crawl", {
            namePrefix: ["shop", "dev"],
            worker: { name: "crawl", queue: "jobs", kind: "vm", instanceSize: "medium", concurrency: 32, scaling: { min: 0, max: 12, backlogPerWorker: 50 } },
            queue: { url: "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-jobs", arn: queueArn, queueName: "shop-dev-jobs" },
            table: { tableName: "shop-dev-data", tableArn },
            subnetIds: ["subnet-a", "subnet-b"],
            vpcId: "vpc-1",
            artifactBucket: { bucketName: "shop-dev-artifacts", bucketArn: "arn:aws:s3:::shop-dev-artifacts" },
            timeoutSeconds: 60,
            visibilityTimeoutSeconds: 360,
        }),
    );

describe("aws VmWorker", () => {
    it("launches IMDSv2-only instances without public IPs, SSH or any inbound rule, on encrypted disks", async () => {
        const { resources } = await plan();
        const template = one(resources, "aws:ec2/launchTemplate:LaunchTemplate");
        assert.deepEqual(template.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
        assert.equal(template.inputs.instanceType, "t3.medium");
        assert.equal(template.inputs.imageId, "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
        assert.equal(template.inputs.keyName, undefined, "no SSH key");
        const [nic] = template.inputs.networkInterfaces as { associatePublicIpAddress: string }[];
        assert.equal(nic.associatePublicIpAddress, "false");
        assert.equal((template.inputs.blockDeviceMappings as { ebs: { encrypted: string } }[])[0].ebs.encrypted, "true");
        const sg = one(resources, "aws:ec2/securityGroup:SecurityGroup");
        assert.equal(sg.inputs.ingress, undefined, "no inbound rules at all");
        assert.deepEqual((sg.inputs.egress as { fromPort: number; toPort: number }[]).map((e) => [e.fromPort, e.toPort]), [[443, 443]]);
    });

    it("starts the bundled worker as a systemd service from user data", async () => {
        const { resources } = await plan();
        const script = Buffer.from(one(resources, "aws:ec2/launchTemplate:LaunchTemplate").inputs.userData as string, "base64").toString();
        assert.match(script, /^#!\/bin\/bash\nset -euo pipefail\n/);
        const code = one(resources, "aws:s3/bucketObjectv2:BucketObjectv2");
        assert.match(code.inputs.key as string, /^workers\/crawl\/[0-9a-f]{16}\.js$/);
        assert.ok(script.includes(`fetch_bundle() {\naws s3 cp s3://shop-dev-artifacts/${code.inputs.key} /opt/queuestack/worker.js\n}`));
        assert.match(script, /QUEUESTACK_QUEUE_URL="https:\/\/sqs\.eu-west-1\.amazonaws\.com\/123456789012\/shop-dev-jobs"/);
        assert.match(script, /QUEUESTACK_CONCURRENCY="32"/);
        assert.match(script, /AWS_REGION="eu-west-1"/);
        assert.match(script, /DynamicUser=yes/);
        assert.match(script, /TimeoutStopSec=90/);
        assert.match(script, /systemctl enable --now queuestack-worker\.service/);
    });

    it("installs the table's VM Node.js from AL2023's namespaced package and runs the service on that binary", async () => {
        const { resources } = await plan();
        const script = Buffer.from(one(resources, "aws:ec2/launchTemplate:LaunchTemplate").inputs.userData as string, "base64").toString();
        assert.equal(deployedRuntimes.vm.nodeMajor, 24);
        assert.ok(script.includes("install_node() {\ndnf install -y nodejs24\n}\n"), script);
        assert.match(script, /^ExecStart=\/usr\/bin\/node-24 \/opt\/queuestack\/worker\.js$/m);
        assert.doesNotMatch(script, /nodejs20|node-20/);
    });

    it("retries the install and the download, and stops the instance when boot still fails", async () => {
        const { resources } = await plan();
        const script = Buffer.from(one(resources, "aws:ec2/launchTemplate:LaunchTemplate").inputs.userData as string, "base64").toString();
        assert.match(script, /^retry install_node$/m);
        assert.match(script, /^retry fetch_bundle$/m);
        assert.match(script, /^trap 'boot_failed \$LINENO' ERR$/m);
        assert.match(script, /^boot_failed\(\) \{\n(.*\n){2}  shutdown -h now\n  exit "\$\{status\}"\n\}$/m);
    });

    it("orders the launch template after the role's policy, so no instance boots without the right to fetch its code", async () => {
        const { resources } = await plan();
        const template = one(resources, "aws:ec2/launchTemplate:LaunchTemplate");
        assert.ok(template.dependencies?.includes("crawl-role-policy"), `dependencies: ${template.dependencies?.join(", ")}`);
    });

    it("uploads the bundle as a file asset named by its hash, keeping the code out of Pulumi's state", async () => {
        const { resources } = await plan();
        const code = one(resources, "aws:s3/bucketObjectv2:BucketObjectv2");
        assert.equal(code.inputs.content, undefined, "no inline content");
        const source = code.inputs.source as { path?: Promise<string> };
        const file = await source.path!;
        const hash = (code.inputs.key as string).slice("workers/crawl/".length, -".js".length);
        assert.equal(path.basename(file), `${hash}.js`);
        const bytes = readFileSync(file);
        assert.equal(createHash("sha256").update(bytes).digest("hex").slice(0, 16), hash);
        assert.ok(bytes.length > 1000, "the bundle is on disk");
    });

    it("runs an Auto Scaling group across the private subnets that can scale to zero", async () => {
        const { resources } = await plan();
        const group = one(resources, "aws:autoscaling/group:Group");
        assert.equal(group.inputs.minSize, 0);
        assert.equal(group.inputs.maxSize, 12);
        assert.deepEqual(group.inputs.vpcZoneIdentifiers, ["subnet-a", "subnet-b"]);
        assert.deepEqual(group.inputs.enabledMetrics, ["GroupInServiceInstances", "GroupDesiredCapacity"]);
        const tags = group.inputs.tags as { key: string; value: string }[];
        assert.deepEqual(tags.find((t) => t.key === "QUEUESTACK_IDEMPOTENCY_STORE"), { key: "QUEUESTACK_IDEMPOTENCY_STORE", value: "shop-dev-data", propagateAtLaunch: false });
    });

    it("scales by target tracking on backlog per instance through metric math", async () => {
        const { resources } = await plan();
        const policy = one(resources, "aws:autoscaling/policy:Policy", "crawl-backlog-scaling");
        assert.equal(policy.inputs.policyType, "TargetTrackingScaling");
        const tracking = policy.inputs.targetTrackingConfiguration as { targetValue: number; customizedMetricSpecification: { metrics: any[] } };
        assert.equal(tracking.targetValue, 50);
        const [m1, m2, e1] = tracking.customizedMetricSpecification.metrics;
        assert.deepEqual([m1.id, m1.metricStat.metric.namespace, m1.metricStat.metric.metricName, m1.metricStat.stat, m1.metricStat.metric.dimensions], ["m1", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Sum", [{ name: "QueueName", value: "shop-dev-jobs" }]]);
        assert.deepEqual([m2.id, m2.metricStat.metric.namespace, m2.metricStat.metric.metricName, m2.metricStat.stat, m2.metricStat.metric.dimensions], ["m2", "AWS/AutoScaling", "GroupInServiceInstances", "Average", [{ name: "AutoScalingGroupName", value: "shop-dev-crawl" }]]);
        assert.deepEqual([e1.id, e1.expression, e1.returnData, m1.returnData, m2.returnData], ["e1", "IF(m2 > 0, m1 / m2, m1)", true, false, false]);
    });

    it("adds one instance by step scaling when messages wait and none is in service (the 0 -> 1 safety net)", async () => {
        const { resources } = await plan();
        const policies = ofType(resources, "aws:autoscaling/policy:Policy");
        assert.deepEqual(policies.map((p) => p.name).sort(), ["crawl-backlog-scaling", "crawl-scale-from-zero"]);
        const step = one(resources, "aws:autoscaling/policy:Policy", "crawl-scale-from-zero");
        assert.deepEqual([step.inputs.policyType, step.inputs.adjustmentType, step.inputs.stepAdjustments], ["StepScaling", "ChangeInCapacity", [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }]]);
        const alarm = one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.deepEqual([alarm.inputs.comparisonOperator, alarm.inputs.threshold, alarm.inputs.evaluationPeriods, alarm.inputs.treatMissingData], ["GreaterThanOrEqualToThreshold", 1, 1, "notBreaching"]);
        assert.deepEqual(alarm.inputs.alarmActions, ["arn:aws:autoscaling:eu-west-1:123456789012:crawl-scale-from-zero"]);
        const queries = alarm.inputs.metricQueries as { id: string; expression?: string; returnData: boolean; metric?: { metricName: string; dimensions: Record<string, string>; stat: string; period: number } }[];
        assert.deepEqual(queries.map((q) => [q.id, q.returnData, q.metric?.metricName, q.metric?.dimensions, q.metric?.stat, q.metric?.period, q.expression]), [
            ["m1", false, "ApproximateNumberOfMessagesVisible", { QueueName: "shop-dev-jobs" }, "Sum", 60, undefined],
            ["m2", false, "GroupInServiceInstances", { AutoScalingGroupName: "shop-dev-crawl" }, "Average", 60, undefined],
            ["e1", true, undefined, undefined, undefined, undefined, "IF(FILL(m2, 0) < 1 AND (m1) > 0, 1, 0)"],
        ]);
    });

    it("holds a terminating instance in a lifecycle hook for the drain window, then lets it go", async () => {
        const { resources } = await plan();
        const group = one(resources, "aws:autoscaling/group:Group");
        assert.deepEqual(group.inputs.initialLifecycleHooks, [
            { name: "queuestack-drain", lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING", defaultResult: "CONTINUE", heartbeatTimeout: 90 },
        ]);
    });

    it("gives instances a role limited to their queue, table, code object and log group, plus Session Manager's own actions", async () => {
        const { resources } = await plan();
        const statements = jsonInput(one(resources, "aws:iam/rolePolicy:RolePolicy"), "policy").Statement;
        const logGroup = one(resources, "aws:cloudwatch/logGroup:LogGroup");
        assert.deepEqual(statements.map((s: { Sid: string; Action: string[]; Resource: string }) => [s.Sid, s.Action, s.Resource]), [
            ["ConsumeOwnQueue", ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"], queueArn],
            ["WriteOwnTable", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], tableArn],
            ["ReadOwnCode", ["s3:GetObject"], `arn:aws:s3:::shop-dev-artifacts/${one(resources, "aws:s3/bucketObjectv2:BucketObjectv2").inputs.key}`],
            ["ShipOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], statements[3].Resource],
            // These actions take no resource ARN; the rest of the role never uses "*".
            ["SessionManager", ["ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], "*"],
        ]);
        assert.match(statements[3].Resource, /^arn:aws:logs:.*crawl.*:\*$/, "the streams of its own log group only");
        assert.equal(logGroup.inputs.name, "/queuestack/shop-dev-crawl-vm");
        assert.equal(ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0, "no managed policy");
        assert.deepEqual(JSON.parse(one(resources, "aws:iam/role:Role").inputs.assumeRolePolicy as string).Statement[0].Principal, { Service: "ec2.amazonaws.com" });
    });

    it("ships the worker's output to its own log group with retention, through the CloudWatch agent, retried at boot and never blocking the worker", async () => {
        const { resources } = await plan();
        assert.deepEqual(one(resources, "aws:cloudwatch/logGroup:LogGroup").inputs, { name: "/queuestack/shop-dev-crawl-vm", retentionInDays: 30, tags: { "queuestack:role": "worker" } });
        const script = Buffer.from(one(resources, "aws:ec2/launchTemplate:LaunchTemplate").inputs.userData as string, "base64").toString();
        assert.ok(script.includes("StandardOutput=append:/var/log/queuestack/worker.log\nStandardError=inherit\n"), "the service writes to the shipped file");
        assert.ok(script.includes("cat > /etc/logrotate.d/queuestack-worker <<'QUEUESTACK_LOGROTATE'\n/var/log/queuestack/worker.log {\n  daily\n  maxsize 100M\n  rotate 3\n"));
        const config = '{"agent":{"run_as_user":"root"},"logs":{"logs_collected":{"files":{"collect_list":[{"file_path":"/var/log/queuestack/worker.log","log_group_name":"/queuestack/shop-dev-crawl-vm","log_stream_name":"{instance_id}"}]}}}}';
        assert.ok(
            script.includes(
                "ship_logs() {\ndnf install -y amazon-cloudwatch-agent logrotate &&\n" +
                    `printf '%s' '${config}' > /opt/aws/amazon-cloudwatch-agent/etc/queuestack.json &&\n` +
                    "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/queuestack.json\n}\n" +
                    'retry ship_logs || echo "queuestack boot: log shipping failed; the worker runs without it" | tee /dev/console | logger -t queuestack-boot\n',
            ),
            script,
        );
        assert.ok(script.indexOf("retry ship_logs") < script.indexOf("systemctl enable --now queuestack-worker.service"), "shipping starts before the worker writes");
    });
});

describe("aws Network", () => {
    it("builds private subnets in two zones with S3/DynamoDB gateway and SQS, Logs and Session Manager interface endpoints, and no internet path", async () => {
        const { resources } = await runOffline(() => new Network("net"));
        const subnets = ofType(resources, "aws:ec2/subnet:Subnet");
        assert.deepEqual(subnets.map((s) => [s.inputs.availabilityZone, s.inputs.cidrBlock, s.inputs.mapPublicIpOnLaunch]), [
            ["eu-west-1a", "10.42.0.0/20", false],
            ["eu-west-1b", "10.42.16.0/20", false],
        ]);
        const endpoints = ofType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => [e.inputs.serviceName, e.inputs.vpcEndpointType]);
        assert.deepEqual(endpoints, [
            ["com.amazonaws.eu-west-1.s3", "Gateway"],
            ["com.amazonaws.eu-west-1.dynamodb", "Gateway"],
            ["com.amazonaws.eu-west-1.sqs", "Interface"],
            ["com.amazonaws.eu-west-1.logs", "Interface"],
            ["com.amazonaws.eu-west-1.ssm", "Interface"],
            ["com.amazonaws.eu-west-1.ssmmessages", "Interface"],
        ]);
        for (const e of ofType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface")) {
            assert.equal(e.inputs.privateDnsEnabled, true);
            assert.equal((e.inputs.subnetIds as string[]).length, 2);
        }
        assert.equal(ofType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => String(e.inputs.serviceName).endsWith("ec2messages")).length, 0);
        for (const absent of ["aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip", "aws:ec2/route:Route"]) {
            assert.equal(ofType(resources, absent).length, 0, `${absent} must be absent`);
        }
    });

    it("splits a /16 into /20s and refuses other sizes with a fix", () => {
        assert.equal(subnetCidr("10.7.0.0/16", 2), "10.7.32.0/20");
        assert.throws(() => subnetCidr("10.7.0.0/24", 0), { message: "network: cidrBlock must be a /16 (got 10.7.0.0/24). Use e.g. 10.42.0.0/16." });
    });
});

describe("aws Network zones", () => {
    const zonesCall = () => ({ names: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"] });

    it("places subnets only in zones that offer every interface endpoint", async () => {
        const { resources } = await runOffline(() => new Network("net"), {
            calls: {
                "aws:index/getAvailabilityZones:getAvailabilityZones": zonesCall,
                // ssm is missing from eu-west-1a; the others are offered everywhere.
                "aws:ec2/getVpcEndpointService:getVpcEndpointService": (args) => ({
                    serviceType: args.inputs.serviceType,
                    availabilityZones: args.inputs.service === "ssm" ? ["eu-west-1b", "eu-west-1c"] : ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
                }),
            },
        });
        assert.deepEqual(ofType(resources, "aws:ec2/subnet:Subnet").map((s) => s.inputs.availabilityZone), ["eu-west-1b", "eu-west-1c"]);
    });

    it("says which zones offer the endpoint when too few do, and how to fix it", async () => {
        await assert.rejects(
            runOffline(() => new Network("net"), {
                calls: {
                    "aws:index/getAvailabilityZones:getAvailabilityZones": zonesCall,
                    "aws:ec2/getVpcEndpointService:getVpcEndpointService": () => ({ availabilityZones: ["eu-west-1c", "eu-west-1z"] }),
                },
            }),
            // Pulumi prefixes where it surfaced (the subnet's availabilityZone input).
            (error: Error) => error.message.endsWith(": network: only 1 zone(s) here offer every interface endpoint (sqs, logs, ssm, ssmmessages): eu-west-1c; 2 needed. Lower zoneCount, or pass existing subnets in spec network.subnetIds."),
        );
    });
});

import { stackResource } from "./helpers";

const arn = (service: string, name: string) => `arn:aws:${service}:eu-west-1:123456789012:${name}`;
/** The queue policy that refuses requests without TLS. */
export function tlsOnly(queueName: string) {
    const statement = { Effect: "Deny", Principal: { AWS: "*" }, Action: "sqs:*", Resource: arn("sqs", queueName), Condition: { Bool: { "aws:SecureTransport": "false" } } };
    return stackResource("aws:sqs/queuePolicy:QueuePolicy", `${queueName}-tls-only`, { queueUrl: `https://sqs/${queueName}`, policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) });
}

export const tableArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/jobs";

/** A hand-written AWS stack (outputs as the engine reports them) that passes every AWS stack policy. */
export function compliantAwsStack() {
    const alarm = (name: string, metricName: string, queueName: string) =>
        stackResource("aws:cloudwatch/metricAlarm:MetricAlarm", name, { namespace: "AWS/SQS", metricName, dimensions: { QueueName: queueName }, alarmActions: [arn("sns", "alarms")], threshold: 0 });
    return [
        stackResource("aws:sqs/queue:Queue", "orders-dlq", { name: "orders-dlq", arn: arn("sqs", "orders-dlq"), url: "https://sqs/orders-dlq", messageRetentionSeconds: 1_209_600 }),
        stackResource("aws:sqs/queue:Queue", "orders", {
            name: "orders",
            arn: arn("sqs", "orders"),
            url: "https://sqs/orders",
            messageRetentionSeconds: 345_600,
            visibilityTimeoutSeconds: 180,
            redrivePolicy: JSON.stringify({ deadLetterTargetArn: arn("sqs", "orders-dlq"), maxReceiveCount: 5 }),
        }),
        stackResource("aws:dynamodb/table:Table", "jobs", { name: "jobs", arn: tableArn, ttl: { enabled: true, attributeName: "expiresAt" } }),
        stackResource("aws:iam/role:Role", "worker-role", { name: "worker-role", id: "worker-role", arn: "arn:aws:iam::123456789012:role/worker-role" }),
        stackResource("aws:iam/rolePolicy:RolePolicy", "worker-role-policy", {
            role: "worker-role",
            policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem"], Resource: tableArn }] }),
        }),
        stackResource("aws:lambda/function:Function", "worker", {
            name: "worker",
            arn: arn("lambda", "function:worker"),
            role: "arn:aws:iam::123456789012:role/worker-role",
            timeout: 30,
            environment: { variables: { QUEUESTACK_IDEMPOTENCY_STORE: "jobs" } },
        }),
        stackResource("aws:lambda/eventSourceMapping:EventSourceMapping", "worker-source", {
            eventSourceArn: arn("sqs", "orders"),
            functionName: arn("lambda", "function:worker"),
            functionResponseTypes: ["ReportBatchItemFailures"],
        }),
        tlsOnly("orders"),
        tlsOnly("orders-dlq"),
        alarm("orders-dlq-depth", "ApproximateNumberOfMessagesVisible", "orders-dlq"),
        alarm("orders-backlog-age", "ApproximateAgeOfOldestMessage", "orders"),
    ];
}

/** An Auto Scaling group consuming `orders`, wired to the same role through a launch template and instance profile. */
export function autoScalingWorker(tags: Array<{ key: string; value: string }> = [{ key: "QUEUESTACK_IDEMPOTENCY_STORE", value: "jobs" }]) {
    return [
        stackResource("aws:iam/instanceProfile:InstanceProfile", "vm-profile", { name: "vm-profile", arn: "arn:aws:iam::123456789012:instance-profile/vm-profile", role: "worker-role" }),
        stackResource("aws:ec2/launchTemplate:LaunchTemplate", "vm-template", { id: "lt-123", name: "vm-template", iamInstanceProfile: { arn: "arn:aws:iam::123456789012:instance-profile/vm-profile" } }),
        stackResource("aws:autoscaling/group:Group", "vm-group", { name: "vm-group", launchTemplate: { id: "lt-123", version: "$Latest" }, tags: tags.map((t) => ({ ...t, propagateAtLaunch: true })) }),
        stackResource("aws:autoscaling/policy:Policy", "vm-scaling", {
            autoscalingGroupName: "vm-group",
            policyType: "TargetTrackingScaling",
            targetTrackingConfiguration: {
                customizedMetricSpecification: {
                    metrics: [{ id: "m1", metricStat: { metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: "orders" }] }, stat: "Sum" } }],
                },
            },
        }),
    ];
}

/** A FIFO queue and its FIFO dead-letter queue, the DLQ marked by an aws.sqs.RedriveAllowPolicy resource. */
export function fifoPair() {
    return [
        stackResource("aws:sqs/queue:Queue", "events-dlq", { name: "events-dlq.fifo", arn: arn("sqs", "events-dlq.fifo"), url: "https://sqs/events-dlq.fifo", fifoQueue: true, contentBasedDeduplication: true, messageRetentionSeconds: 1_209_600 }),
        stackResource("aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", "events-dlq-allow", { queueUrl: "https://sqs/events-dlq.fifo", redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [arn("sqs", "events.fifo")] }) }),
        stackResource("aws:sqs/queue:Queue", "events", {
            name: "events.fifo",
            arn: arn("sqs", "events.fifo"),
            url: "https://sqs/events.fifo",
            fifoQueue: true,
            contentBasedDeduplication: true,
            redrivePolicy: JSON.stringify({ deadLetterTargetArn: arn("sqs", "events-dlq.fifo"), maxReceiveCount: 5 }),
        }),
        tlsOnly("events.fifo"),
        tlsOnly("events-dlq.fifo"),
        stackResource("aws:cloudwatch/metricAlarm:MetricAlarm", "events-dlq-depth", { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "events-dlq.fifo" }, alarmActions: [arn("sns", "alarms")] }),
        stackResource("aws:cloudwatch/metricAlarm:MetricAlarm", "events-backlog-age", { namespace: "AWS/SQS", metricName: "ApproximateAgeOfOldestMessage", dimensions: { QueueName: "events.fifo" }, alarmActions: [arn("sns", "alarms")] }),
    ];
}

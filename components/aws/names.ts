import type { NameRule } from "../naming";

/**
 * AWS physical naming rules per resource kind, from the AWS documentation.
 */
export const awsNames = {
    sqsQueue: { maxLength: 80, disallowed: /[^A-Za-z0-9_-]/g, separator: "-", lowercase: false },
    sqsFifoQueue: { maxLength: 80, disallowed: /[^A-Za-z0-9_-]/g, separator: "-", lowercase: false, suffix: ".fifo" },
    lambdaFunction: { maxLength: 64, disallowed: /[^A-Za-z0-9_-]/g, separator: "-", lowercase: false },
    iamRole: { maxLength: 64, disallowed: /[^A-Za-z0-9+=,.@_-]/g, separator: "-", lowercase: false },
    dynamodbTable: { maxLength: 255, disallowed: /[^A-Za-z0-9_.-]/g, separator: "-", lowercase: false },
    snsTopic: { maxLength: 256, disallowed: /[^A-Za-z0-9_-]/g, separator: "-", lowercase: false },
    snsFifoTopic: { maxLength: 256, disallowed: /[^A-Za-z0-9_-]/g, separator: "-", lowercase: false, suffix: ".fifo" },
    scheduleGroup: { maxLength: 64, disallowed: /[^A-Za-z0-9_.-]/g, separator: "-", lowercase: false },
    cloudwatchAlarm: { maxLength: 255, disallowed: /[^A-Za-z0-9_. -]/g, separator: "-", lowercase: false },
    cloudwatchDashboard: { maxLength: 255, disallowed: /[^A-Za-z0-9_-]/g, separator: "-", lowercase: false },
    autoscalingGroup: { maxLength: 255, disallowed: /[^A-Za-z0-9_.-]/g, separator: "-", lowercase: false },
    launchTemplate: { maxLength: 128, disallowed: /[^A-Za-z0-9().\/_-]/g, separator: "-", lowercase: false },
    secret: { maxLength: 512, disallowed: /[^A-Za-z0-9\/_+=.@-]/g, separator: "-", lowercase: false },
    s3Bucket: { maxLength: 63, disallowed: /[^a-z0-9-]/g, separator: "-", lowercase: true },
    api: { maxLength: 128, disallowed: /[^A-Za-z0-9_-]/g, separator: "-", lowercase: false },
    logGroup: { maxLength: 512, disallowed: /[^A-Za-z0-9_\/.#-]/g, separator: "-", lowercase: false },
} satisfies Record<string, NameRule>;



import type * as pulumi from "@pulumi/pulumi";

/** What a consumer needs to know about its queue. */
export interface QueueRef {
    url: pulumi.Input<string>;
    arn: pulumi.Input<string>;
    /** Physical name (CloudWatch `QueueName` dimension). */
    queueName: pulumi.Input<string>;
}

/** What a worker needs to know about the datastore table. */
export interface TableRef {
    tableName: pulumi.Input<string>;
    tableArn: pulumi.Input<string>;
}

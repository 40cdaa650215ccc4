import type * as azure from "@pulumi/azure-native";
import type { Unwrap } from "@pulumi/pulumi";
import { resourcePolicy } from "../lib/policy";

const acceptedVersions = ["1.2", "1.3"];

/** Service Bus namespaces refuse TLS below 1.2 (data at rest is always encrypted by Service Bus). */
export const azureServicebusNamespaceRequireMinimumTls = resourcePolicy<Unwrap<azure.servicebus.NamespaceArgs>>({
    name: "azure-servicebus-namespace-require-minimum-tls",
    description: "Service Bus namespaces accept only TLS 1.2 or later.",
    enforcementLevel: "advisory",
    types: ["azure-native:servicebus:Namespace"],
    validate: (props, { args, report }) => {
        const version = props.minimumTlsVersion === undefined ? undefined : String(props.minimumTlsVersion);
        if (!version || !acceptedVersions.includes(version)) {
            report(`Service Bus namespace "${args.name}" accepts TLS ${version ? `from ${version}` : "versions its API default allows"}. Set minimumTlsVersion: "1.2".`);
        }
    },
});

import type * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import { pubsubSubscriptionType } from "../lib/gcp";
import { resourcePolicy } from "../lib/policy";

/**
 * Push subscriptions deliver over HTTPS and sign each request with an OIDC token, so messages are
 * never sent in the clear and the endpoint can refuse callers that are not Pub/Sub. (Pub/Sub
 * encrypts stored messages itself; pull subscriptions always use TLS.)
 */
export const gcpPubsubSubscriptionRequireAuthenticatedPush = resourcePolicy<Unwrap<gcp.pubsub.SubscriptionArgs>>({
    name: "gcp-pubsub-subscription-require-authenticated-push",
    description: "Pub/Sub push subscriptions deliver over HTTPS with an OIDC token.",
    enforcementLevel: "advisory",
    types: [pubsubSubscriptionType],
    validate: (props, { args, report }) => {
        const endpoint = props.pushConfig?.pushEndpoint;
        if (!props.pushConfig) return args.notApplicable("Not a push subscription");
        if (!String(endpoint ?? "").startsWith("https://")) {
            report(`Pub/Sub subscription "${args.name}" pushes to "${endpoint ?? ""}" without TLS. Use an https:// pushEndpoint.`);
        }
        if (!props.pushConfig.oidcToken?.serviceAccountEmail) {
            report(`Pub/Sub subscription "${args.name}" pushes unauthenticated requests. Set pushConfig.oidcToken.serviceAccountEmail (a service account the endpoint trusts, e.g. with roles/run.invoker).`);
        }
    },
});

import type { Cloud } from "./clouds";
import type { SpecIssue } from "./issues";
import type { Spec } from "./schema";

const issue = (path: SpecIssue["path"], rule: string, received: unknown, fix: string): SpecIssue => ({ path, rule, received, fix });

/** Clouds whose front end can restrict callers at the platform (frontEnd.access: authenticated). */
const platformAuthClouds: readonly Cloud[] = ["gcp", "local"];

/**
 * `frontEnd.access`: `authenticated` needs at least one invoker and a cloud that checks callers at
 * the platform (gcp; local ignores it); `invokers` mean nothing on a public front end.
 */
export function frontEndAccessRules(spec: Spec, cloud: Cloud): SpecIssue[] {
    const { access, invokers } = spec.frontEnd;
    if (access === "public") {
        return invokers.length > 0
            ? [issue(["frontEnd", "invokers"], "applies only with frontEnd.access: authenticated", invokers,
                  "Set frontEnd.access to authenticated (gcp), or remove invokers.")]
            : [];
    }
    if (!platformAuthClouds.includes(cloud)) {
        return [issue(["frontEnd", "access"], `must be public on ${cloud} (authenticated is supported on gcp only)`, access,
            "Set it to public: callers are checked by the API key (frontEnd.auth: apiKey).")];
    }
    return invokers.length === 0
        ? [issue(["frontEnd", "invokers"], "must list at least one IAM member with frontEnd.access: authenticated", invokers,
              'Add the callers, e.g. ["group:callers@example.com"], or set frontEnd.access to public.')]
        : [];
}

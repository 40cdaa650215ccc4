import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/**
 * A physical name that is new for every deployment of a stack and stable across its updates: the
 * name parts plus a random suffix kept in the stack's state. For resources whose name Google keeps
 * taken after deletion (a Cloud Tasks queue's for 7 days) or that a destroy may leave in place on
 * purpose (a kept Firestore database), so `pulumi destroy` then `pulumi up` never collides.
 * `build` turns the suffix into the name (it applies the kind's length and charset rules).
 */
export function freshName(name: string, build: (suffix: string) => string, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    // 3 bytes: 6 hex digits, 16.7 million names per stack and kind.
    return new random.RandomId(name, { byteLength: 3 }, opts).hex.apply(build);
}

import { type NameRule, physicalName, shortHash } from "../naming";

/** A Google Cloud naming rule: the shared rule plus the shortest name the API accepts. */
export interface GcpNameRule extends NameRule {
    /** Shortest name accepted; shorter names are padded with a stable hash. */
    minLength: number;
}

const lowerDash = /[^a-z0-9-]/g;

/**
 * Google Cloud physical naming rules per resource kind, from the Google Cloud documentation.
 * Every kind here must start with a letter; spec names always do (see components/spec/names.ts).
 */
export const gcpNames = {
    /** Pub/Sub topic: 3-255 characters, letters, digits, `-_.~+%`, not starting with "goog". */
    pubsubTopic: { minLength: 3, maxLength: 255, disallowed: /[^A-Za-z0-9_.~+%-]/g, separator: "-", lowercase: false },
    /** Pub/Sub subscription: the same rules as topics. */
    pubsubSubscription: { minLength: 3, maxLength: 255, disallowed: /[^A-Za-z0-9_.~+%-]/g, separator: "-", lowercase: false },
    /** IAM service account id: 6-30 lowercase letters, digits, hyphens. */
    serviceAccountId: { minLength: 6, maxLength: 30, disallowed: lowerDash, separator: "-", lowercase: true },
    /** Cloud Functions (2nd gen) function: up to 63 lowercase letters, digits, hyphens. */
    cloudFunction: { minLength: 1, maxLength: 63, disallowed: lowerDash, separator: "-", lowercase: true },
    /** Cloud Storage bucket: 3-63 lowercase letters, digits, `-_.`, globally unique. */
    storageBucket: { minLength: 3, maxLength: 63, disallowed: /[^a-z0-9_.-]/g, separator: "-", lowercase: true },
    /** Cloud Tasks queue id: up to 100 letters, digits, hyphens (a deleted queue's id stays taken for 7 days). */
    cloudTasksQueue: { minLength: 1, maxLength: 100, disallowed: /[^A-Za-z0-9-]/g, separator: "-", lowercase: false },
    /** Artifact Registry repository id: lowercase letters, digits, hyphens, up to 63, starting with a letter. */
    artifactRepository: { minLength: 1, maxLength: 63, disallowed: lowerDash, separator: "-", lowercase: true },
    /** Secret Manager secret id: up to 255 letters, digits, `-_`. */
    secret: { minLength: 1, maxLength: 255, disallowed: /[^A-Za-z0-9_-]/g, separator: "-", lowercase: false },
    /** Compute Engine resources (networks, routers, groups, autoscalers): RFC 1035, up to 63. */
    compute: { minLength: 1, maxLength: 63, disallowed: lowerDash, separator: "-", lowercase: true },
    /** Instance template `namePrefix`: up to 37 characters (the provider appends a unique suffix). */
    instanceTemplatePrefix: { minLength: 1, maxLength: 36, disallowed: lowerDash, separator: "-", lowercase: true, suffix: "-" },
    /** Managed instance group `baseInstanceName`: up to 58 characters (instances get a suffix). */
    baseInstanceName: { minLength: 1, maxLength: 58, disallowed: lowerDash, separator: "-", lowercase: true },
    /** Firestore database id: 4-63 lowercase letters, digits, hyphens. */
    firestoreDatabase: { minLength: 4, maxLength: 63, disallowed: lowerDash, separator: "-", lowercase: true },
    /** Resource label value: up to 63 lowercase letters, digits, `-_`. */
    labelValue: { minLength: 0, maxLength: 63, disallowed: /[^a-z0-9_-]/g, separator: "_", lowercase: true },
    /** Resource label key: 1-63 lowercase letters, digits, `-_`, starting with a letter. */
    labelKey: { minLength: 1, maxLength: 63, disallowed: /[^a-z0-9_-]/g, separator: "_", lowercase: true },
} satisfies Record<string, GcpNameRule>;

/**
 * A valid Google Cloud name under `rule` (see physicalName), padded with a stable hash when it
 * would be shorter than the kind's minimum.
 */
export function gcpName(rule: GcpNameRule, parts: readonly string[]): string {
    const name = physicalName(rule, parts);
    const shortBy = rule.minLength - name.length;
    if (shortBy <= 0) return name;
    const padding = shortHash(parts.join("/"), Math.max(shortBy - rule.separator.length, 1));
    const suffix = rule.suffix ?? "";
    return `${name.slice(0, name.length - suffix.length)}${rule.separator}${padding}${suffix}`;
}

/** Resource labels from free-form tags, within Google Cloud's label rules. */
export function gcpLabels(tags: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(tags).map(([key, value]) => [gcpName(gcpNames.labelKey, [key]), physicalName(gcpNames.labelValue, [value])]),
    );
}

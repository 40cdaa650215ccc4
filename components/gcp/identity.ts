import * as projects from "@pulumi/gcp/projects";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as pulumi from "@pulumi/pulumi";
import { serviceAccountMember } from "./context";

/** What a consumer needs to know about the Firestore database. */
export interface DatabaseRef {
    /** Database id (`databaseId` for clients). */
    databaseName: pulumi.Input<string>;
    /** Full resource name, `projects/<project>/databases/<id>`. */
    databaseResourceName: pulumi.Input<string>;
}

/** The project of a database, from its resource name. */
export const projectOf = (database: DatabaseRef): pulumi.Output<string> => pulumi.output(database.databaseResourceName).apply((id) => id.split("/")[1]);

/**
 * A service account of its own for one workload. It starts with no roles: each component grants it
 * exactly the bindings it needs, on the resources it uses (never project-wide editor or owner).
 */
export function workloadServiceAccount(name: string, accountId: string, description: string, opts: pulumi.CustomResourceOptions): serviceaccount.Account {
    return new serviceaccount.Account(name, { accountId, displayName: accountId, description }, opts);
}

/**
 * Access to one Firestore database only: `role` (read/write `roles/datastore.user` by default, or
 * `roles/datastore.viewer`) with an IAM condition on the database's resource name (Firestore has
 * no per-database IAM policy).
 */
export function grantDatabaseAccess(
    name: string,
    email: pulumi.Input<string>,
    database: DatabaseRef,
    opts: pulumi.CustomResourceOptions,
    role: "roles/datastore.user" | "roles/datastore.viewer" = "roles/datastore.user",
): projects.IAMMember {
    return new projects.IAMMember(
        name,
        {
            project: projectOf(database),
            role,
            member: serviceAccountMember(email),
            condition: {
                title: "queuestack-own-database",
                description: "Only the queuestack stack's own Firestore database",
                expression: pulumi.interpolate`resource.name == "${database.databaseResourceName}" || resource.name.startsWith("${database.databaseResourceName}/")`,
            },
        },
        opts,
    );
}

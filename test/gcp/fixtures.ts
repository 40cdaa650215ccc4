import type { DatabaseRef } from "../../components/gcp";

/** A bundle stand-in for role tests that do not exercise the bundler. */
export const handlerCode = "exports.handler = (req, res) => res.status(204).end();";

/** The stack's Firestore database as the roles see it. */
export const database: DatabaseRef = { databaseName: "portfolio-test-data", databaseResourceName: "projects/demo-project/databases/portfolio-test-data" };

/** IAM condition limiting a grant to `database`. */
export const databaseCondition = {
    title: "queuestack-own-database",
    description: "Only the queuestack stack's own Firestore database",
    expression: 'resource.name == "projects/demo-project/databases/portfolio-test-data" || resource.name.startsWith("projects/demo-project/databases/portfolio-test-data/")',
};

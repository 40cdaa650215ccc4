/**
 * The route template of a front end's request path, for `http.route` and the request span's name
 * (low cardinality, as the HTTP conventions ask): `/queues/{queue}/messages`, `/topics/{topic}`,
 * `/jobs/{id}`, with any prefix kept (`/api/...` on Azure); other paths as `{path}`.
 */
export function routeTemplate(path: string): string {
    const at = (prefix: string) => `${prefix.startsWith("/") ? "" : "/"}${prefix}`;
    const match = /^(.*?)\/?(queues\/[^/]+\/messages|messages|topics\/[^/]+|jobs\/[^/]+)\/?$/.exec(path);
    if (!match) return "{path}";
    const route = match[2]!.replace(/^queues\/[^/]+/, "queues/{queue}").replace(/^topics\/[^/]+/, "topics/{topic}").replace(/^jobs\/[^/]+/, "jobs/{id}");
    return `${match[1] ? at(match[1]) : ""}/${route}`;
}

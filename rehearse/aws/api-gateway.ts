import { ofType, plannedRefs, stringInput, type PlannedResource } from "../plan";

/** An HTTP request as a caller sends it to the front end. */
export interface HttpRequest {
    method: string;
    /** Path and query, e.g. "/queues/scrape/messages?wait=5". */
    path: string;
    headers?: Record<string, string>;
    body?: string;
}

/** A planned HTTP API route and the planned Lambda function its integration invokes. */
export interface PlannedRoute {
    routeKey: string;
    functionName: string;
}

/**
 * The planned routes of every HTTP API, each with its integration's function: route `target`
 * "integrations/<id>" -> integration `integrationUri` -> the function whose invoke ARN it is.
 */
export function plannedRoutes(resources: PlannedResource[]): PlannedRoute[] {
    const functions = ofType(resources, "aws:lambda/function:Function");
    const integrations = ofType(resources, "aws:apigatewayv2/integration:Integration");
    return ofType(resources, "aws:apigatewayv2/route:Route").flatMap((route) => {
        const target = stringInput(route, "target")?.replace(/^integrations\//, "");
        const integration = integrations.find((i) => plannedRefs(i).id === target);
        const uri = integration && stringInput(integration, "integrationUri");
        const fn = functions.find((f) => uri !== undefined && [plannedRefs(f).invokeArn, plannedRefs(f).arn].includes(uri));
        return fn ? [{ routeKey: stringInput(route, "routeKey")!, functionName: stringInput(fn, "name") ?? fn.name }] : [];
    });
}

/** The route a request matches ({param} one segment, {param+} the rest, $default anything) and its path parameters. */
export function matchRoute(routes: PlannedRoute[], method: string, rawPath: string): { route: PlannedRoute; pathParameters: Record<string, string> } | undefined {
    for (const route of routes) {
        if (route.routeKey === "$default") continue;
        const [routeMethod, pattern] = route.routeKey.split(" ");
        if (routeMethod !== "ANY" && routeMethod !== method) continue;
        const names: string[] = [];
        const regex = pattern!.replace(/\{([^}+]+)(\+?)\}/g, (_, name: string, greedy: string) => {
            names.push(name);
            return greedy ? "(.+)" : "([^/]+)";
        });
        const match = new RegExp(`^${regex}$`).exec(rawPath);
        if (match) return { route, pathParameters: Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)])) };
    }
    const fallback = routes.find((r) => r.routeKey === "$default");
    return fallback ? { route: fallback, pathParameters: {} } : undefined;
}

/** The HTTP API payload format 2.0 event API Gateway sends the integration for `request`. */
export function httpApiEvent(request: HttpRequest, routeKey: string, pathParameters: Record<string, string>) {
    const url = new URL(request.path, "https://api.rehearsal.invalid");
    const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const query = Object.fromEntries(url.searchParams);
    return {
        version: "2.0",
        routeKey,
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
        ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
        requestContext: { http: { method: request.method, path: url.pathname, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "queuestack-rehearsal" }, routeKey, stage: "$default", requestId: `rehearsal-${Date.now()}`, timeEpoch: Date.now() },
        ...(request.body !== undefined ? { body: request.body, isBase64Encoded: false } : { isBase64Encoded: false }),
    };
}

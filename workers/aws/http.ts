/** The API Gateway HTTP API (payload format 2.0) request fields queuestack reads. */
export interface HttpApiEvent {
    routeKey?: string;
    rawPath?: string;
    headers?: Record<string, string | undefined>;
    queryStringParameters?: Record<string, string | undefined>;
    pathParameters?: Record<string, string | undefined>;
    body?: string;
    isBase64Encoded?: boolean;
    requestContext?: { http?: { method?: string } };
}

/** An HTTP API (payload 2.0) response. */
export interface HttpApiResult {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
}

/** A JSON response. */
export function json(statusCode: number, body: unknown): HttpApiResult {
    return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/** A header by case-insensitive name (HTTP API lowercases them; tests and proxies may not). */
export function header(event: HttpApiEvent, name: string): string | undefined {
    const wanted = name.toLowerCase();
    for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
    return undefined;
}

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A page the fixture server answers with. */
export interface FixtureRoute {
    status?: number;
    contentType?: string;
    body: string;
}

/** An HTTP server on 127.0.0.1 answering fixed routes (404 otherwise); counts requests per path. */
export async function startFixtureServer(routes: Record<string, FixtureRoute>) {
    const hits = new Map<string, number>();
    const server: Server = createServer((request, response) => {
        const url = request.url ?? "/";
        hits.set(url, (hits.get(url) ?? 0) + 1);
        const route = routes[url];
        if (!route) {
            response.writeHead(404, { "content-type": "text/plain" }).end("not found");
            return;
        }
        response.writeHead(route.status ?? 200, { "content-type": route.contentType ?? "text/html; charset=utf-8" }).end(route.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        base: `http://127.0.0.1:${port}`,
        hits,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}

import { createServer } from "node:http";

/** A web page on 127.0.0.1 for the demo worker to fetch during the rehearsal (never the internet). */
export interface FixtureSite {
    /** URL of an article page (served whatever its query). */
    articleUrl: string;
    stop(): Promise<void>;
}

const article = `<!doctype html><html><head><title>Rehearsal article</title>
<meta property="og:image" content="/banner.png"><meta property="article:published_time" content="2026-12-01T09:00:00Z"></head>
<body><h1>Rehearsal article</h1><h2>Why rehearse</h2><p>${"Words that a worker counts. ".repeat(40)}</p><h2>How</h2><p>On emulators.</p></body></html>`;

/** Serves the article page on a free loopback port. */
export function startFixtureSite(): Promise<FixtureSite> {
    const server = createServer((request, response) => {
        if (new URL(request.url ?? "/", "http://127.0.0.1").pathname === "/article.html") {
            response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(article);
        } else {
            response.writeHead(404, { "content-type": "text/plain" }).end("not found");
        }
    });
    return new Promise((resolve) =>
        server.listen(0, "127.0.0.1", () => {
            const address = server.address() as { port: number };
            resolve({ articleUrl: `http://127.0.0.1:${address.port}/article.html`, stop: () => new Promise((done) => server.close(() => done())) });
        }),
    );
}

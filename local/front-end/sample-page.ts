/**
 * The page `GET /sample` serves: a short article the example scraper can read, so the banner's
 * "Try" command works on a machine without internet access. Its title, date and word count are
 * fixed, so what the worker records is known in advance.
 */
export const samplePage = {
    path: "/sample",
    title: "queuestack sample article",
    publishedAt: "2026-01-01T00:00:00.000Z",
    html: [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8"><title>queuestack sample article</title>',
        '<meta property="article:published_time" content="2026-01-01T00:00:00Z"></head>',
        "<body><article><h1>queuestack sample article</h1>",
        "<h2>What happened</h2><p>The front end accepted this URL, the queue held it, and the example worker fetched this page from the local stack itself.</p>",
        "<h2>What to try next</h2><p>Open the dashboard, send a URL that answers 500 to watch retries and the dead-letter queue, then redrive it.</p>",
        "</article></body></html>",
    ].join("\n"),
} as const;

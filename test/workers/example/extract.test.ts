import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { extractArticle } from "../../../workers/example/extract";

const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", name), "utf8");

describe("example: extractArticle", () => {
    it("prefers Open Graph and article metas, builds the outline and resolves the banner against the page URL", () => {
        const words = Array.from({ length: 460 }, (_, i) => `word${i}`).join(" ");
        const html = fixture("article.html").replace("WORDS_HERE", words);
        const article = extractArticle(html, "http://127.0.0.1:8080/posts/queues.html");
        assert.deepEqual(article, {
            url: "http://127.0.0.1:8080/posts/queues.html",
            title: "Shipping Queues Without Losing Messages",
            publishedAt: "2025-03-14T08:30:00.000Z",
            outline: [
                { level: 1, text: "Shipping Queues Without Losing Messages" },
                { level: 2, text: "Why visibility timeouts matter" },
                { level: 3, text: "Heartbeats" },
                { level: 2, text: "Dead-letter queues" },
            ],
            // 460 body words + 5 in h1 + 4 in h2 + 4 in the short paragraph + 1 in h3 + 2 in h2; script, style, noscript and title excluded
            wordCount: 476,
            readingTimeMinutes: 2,
            bannerImage: "http://127.0.0.1:8080/images/banner.png",
        });
    });

    it("falls back to <title>, <time datetime>, twitter:image", () => {
        assert.deepEqual(extractArticle(fixture("minimal.html"), "https://site.test/a"), {
            url: "https://site.test/a",
            title: "Only a title",
            publishedAt: "2024-12-01T00:00:00.000Z",
            outline: [],
            wordCount: 8,
            readingTimeMinutes: 1,
            bannerImage: "https://cdn.test/t.jpg",
        });
    });

    it("reads <title> from a page without an explicit <head> (valid HTML5), and does not count it as words", () => {
        const article = extractArticle("<!doctype html><title>No head here</title><p>one two three</p>", "https://site.test/a");
        assert.equal(article.title, "No head here");
        assert.equal(article.wordCount, 3);
        assert.equal(extractArticle("<body><svg><title>icon</title></svg><p>x</p></body>", "https://site.test/a").title, null);
    });

    it("returns nulls and zeros for an empty document rather than guessing", () => {
        assert.deepEqual(extractArticle("<html><body></body></html>", "https://site.test/empty"), {
            url: "https://site.test/empty",
            title: null,
            publishedAt: null,
            outline: [],
            wordCount: 0,
            readingTimeMinutes: 0,
            bannerImage: null,
        });
    });

    it("uses the first body image when no meta image exists, and ignores an unparseable date", () => {
        const html = '<html><head><meta name="date" content="not a date"></head><body><h1>T</h1><img src="pic.jpg"></body></html>';
        const article = extractArticle(html, "https://site.test/dir/page");
        assert.equal(article.bannerImage, "https://site.test/dir/pic.jpg");
        assert.equal(article.publishedAt, null);
        assert.equal(article.title, "T");
    });
});

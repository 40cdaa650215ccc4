/**
 * The demo app: a content-portfolio scraper. Each message is `{ "url": "https://..." }`; the worker
 * fetches the page and stores its title, published date, outline (headings), reading time and
 * banner image. A broken URL is retried (and ends in the dead-letter queue with the reason); a URL
 * that is not an HTML page goes to the dead-letter queue at once.
 */
import { defineWorker, PermanentError } from "../runtime";
import { extractArticle, type Article } from "./extract";
import { fetchPage } from "./fetch-page";

/** The message body. */
export interface ScrapeRequest {
    url: string;
}

/** Longest excerpt of a bad body quoted in a failure reason: reasons are stored and listed with every dead letter. */
export const maxQuotedChars = 200;

/** `value` as JSON, cut to maxQuotedChars with how much was left out. */
const quoted = (value: unknown) => {
    const text = JSON.stringify(value) ?? String(value);
    return text.length <= maxQuotedChars ? text : `${text.slice(0, maxQuotedChars)}... (${text.length} characters)`;
};

/** Checks the body: an object with an http(s) `url`. */
export function decodeScrapeRequest(body: unknown): ScrapeRequest {
    const url = (body as { url?: unknown } | null)?.url;
    if (typeof url !== "string") throw new PermanentError(`the body needs a "url" string (got ${quoted(body)})`);
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        throw new PermanentError(`${quoted(url)} is not a URL`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new PermanentError(`"${url}" is not an http(s) URL`);
    return { url: parsed.href };
}

export default defineWorker<ScrapeRequest, Article>({
    decodeBody: decodeScrapeRequest,
    async handle(message, { signal, logger }) {
        const { html, finalUrl } = await fetchPage(message.body.url, signal);
        const article = extractArticle(html, finalUrl);
        logger.info({ url: finalUrl, title: article.title, words: article.wordCount }, "article scraped");
        return article;
    },
});

import { Parser } from "htmlparser2";

/** One heading of the page outline. */
export interface Heading {
    /** 1 for h1 ... 6 for h6. */
    level: number;
    text: string;
}

/** What the scraper stores for one article. */
export interface Article {
    url: string;
    title: string | null;
    /** ISO 8601, from article:published_time, date metas, itemprop=datePublished or the first <time datetime>. */
    publishedAt: string | null;
    outline: Heading[];
    wordCount: number;
    /** Whole minutes at `wordsPerMinute`, at least 1 for a page with words. */
    readingTimeMinutes: number;
    /** Absolute URL: og:image, else twitter:image, else the first <img> in the body. */
    bannerImage: string | null;
}

/** Average adult silent reading speed used for reading time. */
export const wordsPerMinute = 230;

const ignoredText = new Set(["script", "style", "noscript", "template", "svg", "head", "title"]);
const dateMetas = ["article:published_time", "og:published_time", "datepublished", "date", "pubdate", "publish-date", "dc.date", "dc.date.issued"];

const clean = (text: string) => text.replace(/\s+/g, " ").trim();

function absolute(link: string | undefined, base: string): string | null {
    if (!link) return null;
    try {
        return new URL(link.trim(), base).href;
    } catch {
        return null;
    }
}

function isoDate(text: string | undefined): string | null {
    if (!text) return null;
    const time = Date.parse(text.trim());
    return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** Extracts the article fields from an HTML document fetched from `url`. */
export function extractArticle(html: string, url: string): Article {
    const metas = new Map<string, string>();
    const outline: Heading[] = [];
    const open: string[] = [];
    let titleText = "";
    let heading: Heading | undefined;
    let firstTime: string | undefined;
    let firstImage: string | undefined;
    let words = 0;

    const parser = new Parser(
        {
            onopentag(name, attrs) {
                open.push(name);
                if (name === "meta") {
                    const key = (attrs.property ?? attrs.name ?? attrs.itemprop ?? "").toLowerCase();
                    if (key && attrs.content !== undefined && !metas.has(key)) metas.set(key, attrs.content);
                } else if (/^h[1-6]$/.test(name)) {
                    heading = { level: Number(name[1]), text: "" };
                } else if (name === "time" && firstTime === undefined) {
                    firstTime = attrs.datetime;
                } else if (name === "img" && firstImage === undefined && !open.includes("head")) {
                    firstImage = attrs.src;
                } else if (attrs.itemprop?.toLowerCase() === "datepublished" && attrs.datetime && !metas.has("datepublished")) {
                    metas.set("datepublished", attrs.datetime);
                }
            },
            ontext(text) {
                const inside = open[open.length - 1];
                // HTML5 lets a page leave out <head>: the document's <title> is the first one outside <svg>.
                if (inside === "title" && !open.includes("svg")) titleText += text;
                if (heading) heading.text += text;
                if (!open.some((tag) => ignoredText.has(tag))) words += text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
            },
            onclosetag(name) {
                // Void and unclosed elements: pop back to the matching tag.
                const at = open.lastIndexOf(name);
                if (at >= 0) open.length = at;
                if (heading && name === `h${heading.level}`) {
                    const text = clean(heading.text);
                    if (text) outline.push({ level: heading.level, text });
                    heading = undefined;
                }
            },
        },
        { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
    );
    parser.write(html);
    parser.end();

    const title = clean(metas.get("og:title") ?? metas.get("twitter:title") ?? titleText) || outline.find((h) => h.level === 1)?.text || null;
    const published = dateMetas.map((key) => isoDate(metas.get(key))).find((date) => date !== null) ?? isoDate(firstTime);
    return {
        url,
        title,
        publishedAt: published,
        outline,
        wordCount: words,
        readingTimeMinutes: words === 0 ? 0 : Math.max(1, Math.round(words / wordsPerMinute)),
        bannerImage: absolute(metas.get("og:image") ?? metas.get("og:image:url") ?? metas.get("twitter:image") ?? firstImage, url),
    };
}

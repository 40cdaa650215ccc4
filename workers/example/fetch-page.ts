import { PermanentError } from "../runtime";

/** Largest page the scraper reads. */
export const maxPageBytes = 5 * 1024 * 1024;

const htmlTypes = ["text/html", "application/xhtml+xml"];

/**
 * GETs an HTML page. Network failures and HTTP errors throw retryable errors (the page may come
 * back); a response that is not HTML, or is larger than `maxPageBytes`, throws `PermanentError`.
 */
export async function fetchPage(url: string, signal: AbortSignal): Promise<{ html: string; finalUrl: string }> {
    let response: Response;
    try {
        response = await fetch(url, { signal, redirect: "follow", headers: { accept: "text/html,application/xhtml+xml" } });
    } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new Error(`GET ${url} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`, { cause: error });
    }
    if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`.trim());
    }
    const contentType = (response.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
    if (!htmlTypes.includes(contentType)) {
        await response.body?.cancel();
        throw new PermanentError(`${url} is ${contentType || "of no content type"}, not an HTML page`);
    }
    const declared = Number(response.headers.get("content-length"));
    if (declared > maxPageBytes) {
        await response.body?.cancel();
        throw new PermanentError(`${url} is ${declared} bytes, larger than the ${maxPageBytes}-byte page limit`);
    }
    const body = Buffer.from(await response.arrayBuffer());
    if (body.length > maxPageBytes) throw new PermanentError(`${url} is ${body.length} bytes, larger than the ${maxPageBytes}-byte page limit`);
    return { html: body.toString("utf8"), finalUrl: response.url || url };
}

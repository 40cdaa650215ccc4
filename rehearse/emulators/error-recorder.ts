import { createServer, request as httpRequest, type Server } from "node:http";

/** An error answer an emulator gave the bundled code: the cloud's own code and message. */
export interface EmulatorAnswer {
    status: number;
    /** e.g. "AccessDenied: User: arn:aws:sts::123456789012:assumed-role/... is not authorized to perform: sqs:SendMessage". */
    text: string;
}

/** The code and message of an AWS (XML or JSON) or Google (JSON `error.status`) error body, or its first 300 characters. */
export function errorText(body: string): string {
    const xml = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(body)?.[1];
    if (xml("Code")) return `${xml("Code")}: ${xml("Message") ?? ""}`.trim();
    try {
        const json = JSON.parse(body) as { __type?: string; message?: string; Message?: string; error?: { status?: string; message?: string } };
        if (json.__type) return `${json.__type.split("#").pop()}: ${json.message ?? json.Message ?? ""}`.trim();
        if (json.error?.status) return `${json.error.status}: ${json.error.message ?? ""}`.trim();
    } catch {
        // not JSON
    }
    return body.slice(0, 300);
}

/**
 * A pass-through HTTP proxy on 127.0.0.1 in front of an emulator that keeps every error answer. The
 * bundles talk to the emulator through it: an SDK often reports a denial only as "cannot parse the
 * response", and the rehearsal shows moto's own words instead.
 */
export async function startErrorRecorder(target: string): Promise<{ endpoint: string; take(): EmulatorAnswer[]; stop(): Promise<void> }> {
    const upstream = new URL(target);
    let answers: EmulatorAnswer[] = [];
    const server: Server = createServer((incoming, outgoing) => {
        const forward = httpRequest(
            { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
            (response) => {
                outgoing.writeHead(response.statusCode ?? 502, response.headers);
                if ((response.statusCode ?? 0) < 400) return void response.pipe(outgoing);
                const chunks: Buffer[] = [];
                response.on("data", (chunk: Buffer) => chunks.push(chunk));
                response.on("end", () => {
                    const body = Buffer.concat(chunks);
                    answers.push({ status: response.statusCode!, text: errorText(body.toString("utf8")) });
                    outgoing.end(body);
                });
            },
        );
        forward.on("error", (error) => outgoing.writeHead(502).end(error.message));
        incoming.pipe(forward);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return {
        endpoint: `http://127.0.0.1:${port}`,
        take: () => {
            const taken = answers;
            answers = [];
            return taken;
        },
        stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}

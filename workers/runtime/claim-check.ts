import { createHash } from "node:crypto";
import { PermanentError } from "./errors";
import { IntakeError } from "./intake";

/**
 * Object storage for claim-checked bodies (S3, Blob Storage, GCS, files). The front end puts, the
 * workers get.
 */
export interface BlobStore {
    /** Stores `body` under `key`, replacing any blob there. */
    put(key: string, body: Buffer): Promise<void>;
    /**
     * The blob under `key`. Rejects with `BlobNotFoundError` when there is none (it expired or was
     * never written); any other rejection is taken as a passing failure and the message is retried.
     */
    get(key: string): Promise<Buffer>;
}

/** A `BlobStore.get` for a key with no blob. */
export class BlobNotFoundError extends Error {
    override readonly name = "BlobNotFoundError";
    constructor(readonly key: string) {
        super(`no blob under "${key}"`);
    }
}

/** True for a missing blob, also when the error was made by another copy of this module (a bundle). */
export function isBlobNotFound(error: unknown): boolean {
    return error instanceof BlobNotFoundError || (error instanceof Error && error.name === "BlobNotFoundError");
}

/** The body a queue carries in place of a claim-checked one. */
export interface ClaimCheckReference {
    /** Where the body is in the blob store. */
    key: string;
    /** The body's length in bytes (UTF-8). */
    bytes: number;
    /** SHA-256 of the body, lower-case hex. */
    sha256: string;
}

/** Bytes kept free under a queue's message limit for the attributes and envelope it counts too. */
export const envelopeHeadroomBytes = 4096;

/** The largest body a queue of `maxMessageKb` carries as it is; larger bodies are claim-checked. */
export function claimCheckLimitBytes(maxMessageKb: number): number {
    return maxMessageKb * 1024 - envelopeHeadroomBytes;
}

const marker = "queuestackClaimCheck";
/** How every reference body starts (it is written by JSON.stringify, so without spaces). */
const referencePrefix = `{"${marker}":`;

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/**
 * The body to enqueue: `body` itself when it is at most `limitBytes` (UTF-8), else the body is
 * stored under `key` and the reference `{"queuestackClaimCheck":{"key","bytes","sha256"}}` is
 * returned. Throws `IntakeError` 413 when the body is too large and there is no store (the claim
 * check is off), and 400 for a body that is itself a reference (senders cannot forge one).
 */
export async function checkIn(body: string, limitBytes: number, store: BlobStore | undefined, key: string): Promise<string> {
    if (body.startsWith(referencePrefix)) {
        throw new IntakeError(400, `The message has the top-level field "${marker}", which queuestack reserves for claim-checked bodies. Rename the field.`);
    }
    const bytes = Buffer.byteLength(body, "utf8");
    if (bytes <= limitBytes) return body;
    if (!store) {
        throw new IntakeError(413, `The message is ${bytes} bytes; the queue takes at most ${limitBytes}. Send a smaller message, or turn on the claim check (spec largeMessages.enabled) to store large bodies in object storage.`);
    }
    const blob = Buffer.from(body, "utf8");
    await store.put(key, blob);
    const reference: ClaimCheckReference = { key, bytes, sha256: sha256(blob) };
    return JSON.stringify({ [marker]: reference });
}

/** The reference in `raw`, undefined for an ordinary body; PermanentError for a malformed one. */
function referenceIn(raw: string): ClaimCheckReference | undefined {
    if (!raw.startsWith(referencePrefix)) return undefined;
    let reference: Partial<ClaimCheckReference> | undefined;
    try {
        reference = (JSON.parse(raw) as Record<string, Partial<ClaimCheckReference> | undefined>)[marker];
    } catch {
        reference = undefined;
    }
    const { key, bytes, sha256: digest } = reference ?? {};
    if (typeof key !== "string" || key === "" || !Number.isSafeInteger(bytes) || typeof digest !== "string" || !/^[0-9a-f]{64}$/.test(digest)) {
        throw new PermanentError(`the claim-check reference is malformed (${raw.slice(0, 200)}); it needs a key, bytes and a sha256`);
    }
    return { key, bytes: bytes!, sha256: digest };
}

/**
 * The message body: `raw` itself, or, for a claim-check reference, the stored body after checking
 * its length and SHA-256. A reference with no store configured, a missing blob or a blob that
 * does not match throws `PermanentError` with the reason (retrying cannot bring it back); other
 * store failures are rethrown as they are (retry).
 */
export async function checkOut(raw: string, store?: BlobStore): Promise<string> {
    const reference = referenceIn(raw);
    if (!reference) return raw;
    const { key, bytes, sha256: expected } = reference;
    if (!store) {
        throw new PermanentError(`the message is a claim-check reference to "${key}" but this worker has no blob store (spec largeMessages.enabled is off where it runs)`);
    }
    let blob: Buffer;
    try {
        blob = await store.get(key);
    } catch (error) {
        if (isBlobNotFound(error)) {
            throw new PermanentError(`the claim-checked body "${key}" is missing from the blob store (expired or never written)`, { cause: error });
        }
        throw error;
    }
    const actual = sha256(blob);
    if (blob.length !== bytes || actual !== expected) {
        throw new PermanentError(`the claim-checked body "${key}" does not match its reference: ${blob.length} bytes with sha256 ${actual}, expected ${bytes} bytes with sha256 ${expected}`);
    }
    return blob.toString("utf8");
}

/** A `BlobStore` held in memory: for tests and single-process runs. Keeps copies, never the callers' buffers. */
export class MemoryBlobStore implements BlobStore {
    private readonly blobs = new Map<string, Buffer>();

    async put(key: string, body: Buffer): Promise<void> {
        this.blobs.set(key, Buffer.from(body));
    }

    async get(key: string): Promise<Buffer> {
        const blob = this.blobs.get(key);
        if (!blob) throw new BlobNotFoundError(key);
        return Buffer.from(blob);
    }

    /** Number of stored blobs. */
    get size(): number {
        return this.blobs.size;
    }
}

import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { readFile, rename, utimes, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { randomUUID } from "node:crypto";
import { BlobNotFoundError, type BlobStore } from "../../workers/runtime";

/**
 * The local target's claim-check store: one file per body under `<data dir>/blobs`, written
 * atomically (temporary file, then rename) so a reader never sees half a body. A file's
 * modification time is when it was stored; `purgeExpired` deletes the ones older than the spec's
 * `largeMessages.expireDays`, as the clouds' lifecycle rules do. The front end checks bodies in
 * (checkIn) and the worker runtime checks them out (createProcessor's blobStore).
 */
export class FileBlobStore implements BlobStore {
    constructor(
        /** The folder the bodies are kept in; created when missing. */
        readonly dir: string,
        /** The clock, in milliseconds. @default Date.now */
        private readonly now: () => number = Date.now,
    ) {
        mkdirSync(dir, { recursive: true });
    }

    /** Stores `body` under `key`, replacing what was there. */
    async put(key: string, body: Buffer): Promise<void> {
        const file = this.fileOf(key);
        const temporary = path.join(this.dir, `.${randomUUID()}.tmp`);
        await writeFile(temporary, body, { mode: 0o600 });
        const stored = new Date(this.now());
        await utimes(temporary, stored, stored);
        await rename(temporary, file);
    }

    /** The body stored under `key`; BlobNotFoundError when there is none (never stored, or expired and purged). */
    async get(key: string): Promise<Buffer> {
        try {
            return await readFile(this.fileOf(key));
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new BlobNotFoundError(key);
            throw error;
        }
    }

    /** Deletes bodies stored more than `expireDays` ago (and temporary files a crash left). Returns how many. */
    purgeExpired(expireDays: number): number {
        const cutoff = this.now() - expireDays * 86_400_000;
        let purged = 0;
        for (const name of readdirSync(this.dir)) {
            const file = path.join(this.dir, name);
            // A file can go between the listing and the look (a put renaming its temporary file).
            const stat = statSync(file, { throwIfNoEntry: false });
            if (stat && stat.mtimeMs <= cutoff) {
                rmSync(file, { force: true });
                purged++;
            }
        }
        return purged;
    }

    /** One flat file per key: the key percent-encoded, dots included, so no key can leave the folder. */
    private fileOf(key: string): string {
        if (key === "") throw new Error("a blob key must not be empty");
        return path.join(this.dir, encodeURIComponent(key).replace(/\./g, "%2E"));
    }
}

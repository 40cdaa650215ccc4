import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/**
 * A bundle cache shared by every run on the machine, content-addressed so a hit is never stale.
 *
 * An entry is found by a key (the hash of what was asked: entry, handler module, every esbuild
 * option and esbuild's version) and holds a manifest of what the build read: the SHA-256 of every
 * input file, and of every directory on the way to them (its file names, plus its package.json
 * and tsconfig.json, which steer module resolution). A lookup re-hashes all of them and uses the
 * cached bundle only when every one still matches, so an edited file, a new file that would now
 * be resolved instead (`lib.ts` beside `lib.js`, a closer node_modules), a package's changed
 * `main`/`exports` or another esbuild all miss. Bundles are stored under their own SHA-256 and
 * checked against it when read.
 *
 * Bounded (see `pruneBundleCache`): entries unused for 30 days are removed, and the least recently
 * used ones past 256 MiB in all, each time a build stores a new entry.
 *
 * Where: `<projectRoot>/node_modules/.cache/queuestack/bundles` when the project has a
 * node_modules directory, else `<os tmpdir>/queuestack-bundle-cache`. Set
 * `QUEUESTACK_BUNDLE_CACHE=off` to always build, or to a directory to keep the cache there.
 * Creates the directory (before a build starts, so creating it never looks like a change to
 * what the build read), or returns undefined when it cannot.
 */
export function bundleCacheDirectory(projectRoot: string): string | undefined {
    const setting = process.env.QUEUESTACK_BUNDLE_CACHE;
    if (setting === "off") return undefined;
    const modules = path.join(projectRoot, "node_modules");
    const directory = setting
        ? path.resolve(setting)
        : existsSync(modules)
          ? path.join(modules, ".cache", "queuestack", "bundles")
          : path.join(tmpdir(), "queuestack-bundle-cache");
    try {
        mkdirSync(directory, { recursive: true });
        return directory;
    } catch {
        return undefined;
    }
}

/** Bumped when the manifest's meaning changes, so older entries are never read. */
const formatVersion = 1;

interface Manifest {
    format: number;
    /** Absolute input file -> SHA-256 of its content. */
    files: Record<string, string>;
    /** Absolute directory -> SHA-256 of its sorted names and resolution files. */
    directories: Record<string, string>;
    /** SHA-256 of the bundle, also its file name. */
    bundle: string;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** The cache key for a build described by `request` (any JSON value naming everything that shapes the output). */
export function bundleCacheKey(request: unknown): string {
    return sha256(JSON.stringify({ formatVersion, request }));
}

/** What in a directory steers how imports below it resolve. */
function directoryDigest(directory: string): string {
    const names = readdirSync(directory).sort();
    const hash = createHash("sha256").update(names.join("\n"));
    for (const file of ["package.json", "tsconfig.json"]) {
        if (names.includes(file)) hash.update(`\n${file}\n`).update(readFileSync(path.join(directory, file)));
    }
    return hash.digest("hex");
}

/** Every directory from each file's own up to (and including) the deepest one they all share. */
function directoriesOf(files: string[]): string[] {
    const parents = files.map((file) => path.dirname(file));
    let shared = parents[0] ?? "";
    for (const parent of parents) {
        while (shared !== path.dirname(shared) && parent !== shared && !parent.startsWith(shared + path.sep)) shared = path.dirname(shared);
    }
    const directories = new Set<string>();
    for (let directory of parents) {
        while (!directories.has(directory)) {
            directories.add(directory);
            if (directory === shared || directory === path.dirname(directory)) break;
            directory = path.dirname(directory);
        }
    }
    return [...directories].sort();
}

/** The cached bundle for `key`, or undefined when there is none or anything it was built from changed. */
export function readCachedBundle(directory: string, key: string): string | undefined {
    try {
        const manifest = JSON.parse(readFileSync(path.join(directory, `${key}.json`), "utf8")) as Manifest;
        if (manifest.format !== formatVersion) return undefined;
        for (const [file, digest] of Object.entries(manifest.files)) if (sha256(readFileSync(file)) !== digest) return undefined;
        for (const [dir, digest] of Object.entries(manifest.directories)) if (directoryDigest(dir) !== digest) return undefined;
        const bundleFile = path.join(directory, `${manifest.bundle}.js`);
        const bundle = readFileSync(bundleFile, "utf8");
        if (sha256(bundle) !== manifest.bundle) return undefined;
        touch(path.join(directory, `${key}.json`), bundleFile);
        return bundle;
    } catch {
        return undefined; // no entry, or a file it lists is gone: build
    }
}

/**
 * How close to the build's start a modification makes an input "racy": file times come from the
 * kernel's coarse clock, which can lag the wall clock by a few milliseconds.
 */
const racyMs = 2_000;

/**
 * Stores `bundle` under `key` with the digests of `inputs` (absolute paths esbuild read). Stores
 * nothing when an input or a directory on the way to one was modified after (or just before)
 * `startedAt`, since the build may have read other content than is hashed now, or when one cannot
 * be read; a failure to write only costs the next run a build.
 */
export function writeCachedBundle(directory: string, key: string, bundle: string, inputs: string[], startedAt: number): void {
    try {
        const files: Record<string, string> = {};
        for (const file of inputs) {
            if (statSync(file).mtimeMs >= startedAt - racyMs) return;
            files[file] = sha256(readFileSync(file));
        }
        const directories: Record<string, string> = {};
        for (const dir of directoriesOf(inputs)) {
            if (statSync(dir).mtimeMs >= startedAt - racyMs) return; // a file appeared or left
            directories[dir] = directoryDigest(dir);
        }
        const manifest: Manifest = { format: formatVersion, files, directories, bundle: sha256(bundle) };
        atomicWrite(path.join(directory, `${manifest.bundle}.js`), bundle);
        atomicWrite(path.join(directory, `${key}.json`), JSON.stringify(manifest));
        pruneBundleCache(directory, { keep: [`${manifest.bundle}.js`, `${key}.json`] });
    } catch {
        // read-only or full disk: the cache is an optimisation
    }
}

/** How much the bundle cache keeps; see `pruneBundleCache`. */
export interface BundleCacheLimits {
    /** Files not used (read or written) for this long are removed. @default 30 days */
    maxAgeMs: number;
    /** Past this many bytes in all, the least recently used files are removed until it fits. @default 256 MiB */
    maxBytes: number;
}

export const defaultBundleCacheLimits: BundleCacheLimits = { maxAgeMs: 30 * 24 * 3600 * 1000, maxBytes: 256 * 1024 * 1024 };

/** A temporary file older than this was left by a write that died (writes take milliseconds). */
const abandonedTemporaryMs = 3600 * 1000;

/**
 * Keeps the cache bounded: a file's modification time is its last use (a hit touches its manifest
 * and bundle), files unused for `maxAgeMs` go, then the least recently used until the rest fits in
 * `maxBytes`, and temporary files abandoned by a write that died. Names in `keep` (the entry just
 * stored) always stay. A manifest whose bundle was removed, or a concurrent reader that loses a
 * file, only costs a build; a bundle left without a manifest is never touched again and ages out.
 */
export function pruneBundleCache(directory: string, options: Partial<BundleCacheLimits> & { keep?: string[]; now?: number } = {}): void {
    const { maxAgeMs, maxBytes } = { ...defaultBundleCacheLimits, ...options };
    const now = options.now ?? Date.now();
    const keep = new Set(options.keep ?? []);
    const files = readdirSync(directory).flatMap((name) => {
        try {
            const stat = statSync(path.join(directory, name));
            return stat.isFile() ? [{ name, usedAt: stat.mtimeMs, bytes: stat.size }] : [];
        } catch {
            return []; // removed by a concurrent prune
        }
    });
    const remove = (name: string) => rmSync(path.join(directory, name), { force: true });
    let total = 0;
    const live = [];
    for (const file of files) {
        const limit = file.name.endsWith(".tmp") ? abandonedTemporaryMs : maxAgeMs;
        if (!keep.has(file.name) && now - file.usedAt > limit) remove(file.name);
        else {
            total += file.bytes;
            live.push(file);
        }
    }
    for (const file of live.sort((a, b) => a.usedAt - b.usedAt)) {
        if (total <= maxBytes) break;
        if (keep.has(file.name) || file.name.endsWith(".tmp")) continue;
        remove(file.name);
        total -= file.bytes;
    }
}

/** Marks files as just used (their modification time), for `pruneBundleCache`'s order. */
function touch(...files: string[]): void {
    const now = new Date();
    for (const file of files) {
        try {
            utimesSync(file, now, now);
        } catch {
            // read-only cache: it is still read, only evicted sooner
        }
    }
}

/** Writes through a temporary file and a rename, so a concurrent reader sees the old file or the new one. */
export function atomicWrite(file: string, content: string): void {
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temporary, content);
    renameSync(temporary, file);
}

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
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
        const bundle = readFileSync(path.join(directory, `${manifest.bundle}.js`), "utf8");
        return sha256(bundle) === manifest.bundle ? bundle : undefined;
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
    } catch {
        // read-only or full disk: the cache is an optimisation
    }
}

/** Writes through a temporary file and a rename, so a concurrent reader sees the old file or the new one. */
function atomicWrite(file: string, content: string): void {
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temporary, content);
    renameSync(temporary, file);
}

/**
 * Packages queuestack declares as optional peer dependencies (package.json `peerDependenciesMeta`):
 * each cloud's provider SDK, the AWS clients of the CLI's live commands and rehearsal, the local
 * target's SQLite and HTTP server. A user installs the ones their target needs; using a feature
 * without its package fails with a MissingPackageError that names what to install.
 */
export class MissingPackageError extends Error {
    override readonly name = "MissingPackageError";
    constructor(
        /** What needs the package, as the message starts: e.g. `the local target`. */
        readonly feature: string,
        /** The npm package to install. */
        readonly packageName: string,
    ) {
        super(`${feature} needs the ${packageName} package, which is not installed. Run: npm install ${packageName}`);
    }
}

/** The one of `packages` a "Cannot find module" error is about, or undefined for any other error. */
export function missingPackageOf(error: unknown, packages: readonly string[]): string | undefined {
    if ((error as NodeJS.ErrnoException | undefined)?.code !== "MODULE_NOT_FOUND") return undefined;
    const missing = /Cannot find module '([^']+)'/.exec(String((error as Error).message))?.[1];
    return packages.find((name) => missing === name || missing?.startsWith(`${name}/`));
}

/**
 * Runs `load` (a `require` of a package, or of a module that imports it), turning a missing optional
 * package among `packages` into a MissingPackageError for `feature`. Other errors pass unchanged.
 */
export function withOptionalPackages<T>(feature: string, packages: readonly string[], load: () => T): T {
    try {
        return load();
    } catch (error) {
        const missing = missingPackageOf(error, packages);
        if (missing === undefined) throw error;
        throw new MissingPackageError(feature, missing);
    }
}

import { existsSync, readFileSync } from "node:fs";
import Module from "node:module";
import * as path from "node:path";

/*
 * TypeScript programs in an offline run, without a TypeScript toolchain in the user's project:
 * `require` compiles .ts/.cts/.mts files with esbuild (already a dependency: it bundles worker
 * code), one file at a time, types stripped and not checked, as tsx and Pulumi's
 * `typescript: true` with `noCheck` do. Chosen over shipping tsx (a second esbuild build and a
 * global ESM loader) and over Node's type stripping (Node 22.6+ only; we support Node 20).
 */

type Extensions = Record<string, (module: NodeJS.Module & { _compile(code: string, file: string): void }, file: string) => void>;
type Resolver = (request: string, parent: NodeJS.Module | undefined, ...rest: unknown[]) => string;

const moduleInternals = Module as unknown as { _extensions: Extensions; _resolveFilename: Resolver };

/** The compiler options of the tsconfig.json nearest `file` (decorators, class fields and JSX follow them). */
function tsconfigNear(file: string): string | undefined {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, "tsconfig.json");
        if (existsSync(candidate)) return readFileSync(candidate, "utf8");
        if (path.dirname(dir) === dir || path.basename(dir) === "node_modules") return undefined;
    }
}

/**
 * Lets `require` load TypeScript. Does nothing when .ts files already load (tsx, ts-node or an
 * earlier call). esbuild is loaded on the first TypeScript file, not before.
 */
export function enableTypeScript(): void {
    if (moduleInternals._extensions[".ts"]) return;
    const compile: Extensions[string] = (module, file) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const esbuild = require("esbuild") as typeof import("esbuild");
        const tsconfig = tsconfigNear(file);
        let code: string;
        try {
            ({ code } = esbuild.transformSync(readFileSync(file, "utf8"), {
                loader: file.endsWith("x") ? "tsx" : "ts",
                format: "cjs",
                target: `node${process.versions.node.split(".")[0]}`,
                sourcefile: file,
                sourcemap: "inline",
                ...(tsconfig ? { tsconfigRaw: tsconfig } : {}),
            }));
        } catch (error) {
            // esbuild lists each syntax error with its line; the message keeps only the first.
            const first = (error as { errors?: { text: string; location?: { line: number; column: number } }[] }).errors?.[0];
            throw new SyntaxError(first ? `${file}:${first.location?.line ?? 0}:${first.location?.column ?? 0}: ${first.text}` : `${file}: ${(error as Error).message}`);
        }
        module._compile(code, file);
    };
    for (const extension of [".ts", ".cts", ".mts", ".tsx"]) moduleInternals._extensions[extension] = compile;
    process.setSourceMapsEnabled(true);
    // `import "./queue.js"` from TypeScript written for NodeNext names ./queue.ts.
    const resolve = moduleInternals._resolveFilename;
    moduleInternals._resolveFilename = function (request, parent, ...rest) {
        try {
            return resolve.call(this, request, parent, ...rest);
        } catch (error) {
            const fromTypeScript = parent?.filename && /\.[cm]?tsx?$/.test(parent.filename);
            const jsRequest = /^\.{1,2}\//.test(request) && /\.[cm]?js$/.test(request);
            if (!fromTypeScript || !jsRequest) throw error;
            return resolve.call(this, request.replace(/js$/, "ts"), parent, ...rest);
        }
    };
}

import { type ChildProcess, spawn } from "node:child_process";

/**
 * Starts a policy pack with `node <args>` in the pack's directory, as `pulumi preview --policy-pack
 * <dir>` does (`new PolicyPack` reads the version from its package.json). Resolves once the pack
 * prints the port of its analyzer server.
 */
export function startPack(dir: string, args: string[]): Promise<{ child: ChildProcess; port: number }> {
    const child = spawn(process.execPath, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    return new Promise((resolve, reject) => {
        let out = "";
        let err = "";
        child.stderr?.on("data", (chunk) => (err += chunk));
        child.stdout?.on("data", (chunk) => {
            out += chunk;
            const line = /^(\d+)\n/.exec(out);
            if (line) resolve({ child, port: Number(line[1]) });
        });
        child.on("exit", (code) => reject(new Error(`the pack exited (${code}) before serving: ${out}${err}`)));
    });
}

/** Calls the analyzer's GetAnalyzerInfo, as the Pulumi engine does when it loads a pack. */
export async function analyzerInfo(port: number): Promise<{ name: string; version: string; policies: Array<{ name: string; enforcementLevel: number }> }> {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const grpc = require("@grpc/grpc-js");
    const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
    const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
        const info = await new Promise<any>((resolve, reject) => client.getAnalyzerInfo(new Empty(), (error: Error | null, response: unknown) => (error ? reject(error) : resolve(response))));
        return {
            name: info.getName(),
            version: info.getVersion(),
            policies: info.getPoliciesList().map((p: any) => ({ name: p.getName(), enforcementLevel: p.getEnforcementlevel() })),
        };
    } finally {
        client.close();
    }
}

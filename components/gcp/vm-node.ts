import { deployedRuntimes } from "../runtimes";

/**
 * The exact Node.js release installed on VM workers for each major the runtime table may deploy
 * (`deployedRuntimes.vm`). The tarball is per patch release, so the patch is pinned here, and only
 * here; moving the table to a new major needs an entry for it (the VM test fails until there is one).
 * Releases: https://nodejs.org/dist/ (index.json lists every release with its LTS line).
 */
export const vmNodeReleases: Readonly<Record<number, string>> = {
    24: "v24.21.0",
};

/** The pinned release of `major`; throws when none is pinned (a bug in this file). */
export function vmNodeRelease(major: number): string {
    const version = vmNodeReleases[major];
    if (!version) throw new Error(`vm-node: no Node.js ${major} release pinned in components/gcp/vm-node.ts (the runtime table deploys Node.js ${major} on VMs)`);
    return version;
}

/** Node.js release installed on the VMs: the table's VM major at its pinned patch release. */
export const nodeVersion = vmNodeRelease(deployedRuntimes.vm.nodeMajor);

/**
 * Shell commands installing `version` from nodejs.org, the tarball checked against the release's
 * published SHA-256 sums (`SHASUMS256.txt`, https://nodejs.org/dist/<version>/) before it is unpacked.
 */
export function installNodeScript(version: string = nodeVersion): string {
    const archive = `node-${version}-linux-x64.tar.xz`;
    return [
        `if ! command -v node >/dev/null || [ "$(node --version)" != "${version}" ]; then`,
        `  cd /tmp && curl -fsSLO --retry 5 https://nodejs.org/dist/${version}/${archive}`,
        `  curl -fsSL --retry 5 https://nodejs.org/dist/${version}/SHASUMS256.txt | grep " ${archive}$" | sha256sum -c -`,
        `  tar -xJf ${archive} -C /usr/local --strip-components=1 && rm ${archive}`,
        "fi",
    ].join("\n");
}

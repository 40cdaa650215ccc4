/** Where the worker bundle and its environment live on a VM. */
export const workerPaths = {
    directory: "/opt/queuestack",
    bundle: "/opt/queuestack/worker.js",
    environment: "/etc/queuestack/worker.env",
    unit: "/etc/systemd/system/queuestack-worker.service",
} as const;

export interface WorkerServiceScript {
    /** Shell commands that install Node.js 20 on the image (e.g. `dnf install -y nodejs20`). */
    installNode: string;
    /** Shell command that writes the bundle to `workerPaths.bundle` (e.g. `aws s3 cp ...`). */
    fetchBundle: string;
    /** Environment of the worker process (written to a root-only file, not to the unit). */
    environment: Record<string, string>;
    /** Seconds systemd waits after SIGTERM for in-flight work to drain before killing. */
    stopTimeoutSeconds: number;
}

/** Quotes a value for a systemd EnvironmentFile line. */
function systemdQuote(value: string): string {
    return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** A here-document delimiter that cannot occur inside the quoted text. */
function heredoc(name: string, body: string): string {
    if (body.includes(name)) throw new Error(`worker script: heredoc delimiter ${name} occurs in its body`);
    return `<<'${name}'\n${body}\n${name}`;
}

/**
 * Boot script (cloud-init user data / startup script) that installs Node.js, fetches the worker
 * bundle and runs it as a systemd service with a dynamic unprivileged user, restarted on failure
 * and given `stopTimeoutSeconds` to drain on shutdown. Shared by every cloud's VM workers.
 */
export function workerServiceScript(s: WorkerServiceScript): string {
    const environment = Object.entries(s.environment)
        .map(([key, value]) => `${key}=${systemdQuote(value)}`)
        .join("\n");
    const unit = [
        "[Unit]",
        "Description=queuestack worker",
        "After=network-online.target",
        "Wants=network-online.target",
        "[Service]",
        `EnvironmentFile=${workerPaths.environment}`,
        `ExecStart=/usr/bin/env node ${workerPaths.bundle}`,
        "DynamicUser=yes",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "Restart=always",
        "RestartSec=5",
        "KillSignal=SIGTERM",
        `TimeoutStopSec=${s.stopTimeoutSeconds}`,
        "[Install]",
        "WantedBy=multi-user.target",
    ].join("\n");
    return [
        "#!/bin/bash",
        "set -euo pipefail",
        s.installNode,
        `install -d -m 0755 ${workerPaths.directory}`,
        "install -d -m 0700 /etc/queuestack",
        s.fetchBundle,
        `chmod 0644 ${workerPaths.bundle}`,
        `umask 077; cat > ${workerPaths.environment} ${heredoc("QUEUESTACK_ENV", environment)}`,
        `cat > ${workerPaths.unit} ${heredoc("QUEUESTACK_UNIT", unit)}`,
        "systemctl daemon-reload",
        "systemctl enable --now queuestack-worker.service",
        "",
    ].join("\n");
}

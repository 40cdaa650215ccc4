/** Where the worker bundle and its environment live on a VM. */
export const workerPaths = {
    directory: "/opt/queuestack",
    bundle: "/opt/queuestack/worker.js",
    environment: "/etc/queuestack/worker.env",
    unit: "/etc/systemd/system/queuestack-worker.service",
} as const;

export interface WorkerServiceScript {
    /**
     * Shell commands that install Node.js `deployedRuntimes.vm` on the image (e.g. `dnf install -y
     * nodejs24`). Run as one step, retried with backoff (`bootAttempts`).
     */
    installNode: string;
    /** Shell command that writes the bundle to `workerPaths.bundle` (e.g. `aws s3 cp ...`). Retried like `installNode`. */
    fetchBundle: string;
    /**
     * How the unit starts Node.js, e.g. `/usr/bin/node-24` (AL2023's namespaced binary, which is
     * always that major whatever `alternatives` points `node` at).
     * @default "/usr/bin/env node"
     */
    nodeCommand?: string;
    /**
     * Shell commands run once when a boot step still fails after its retries, before the script
     * exits non-zero; e.g. stop the instance so its group replaces it. The failure is also written
     * to the console and the system log (tag `queuestack-boot`) first.
     * @default none (the script only exits non-zero)
     */
    onBootFailure?: string;
    /** Tries per boot step (`installNode`, `fetchBundle`). @default 5 */
    bootAttempts?: number;
    /** Seconds before the first retry of a step; doubles after each try. @default 2 */
    retryDelaySeconds?: number;
    /** Environment of the worker process (written to a root-only file, not to the unit). */
    environment: Record<string, string>;
    /** Seconds systemd waits after SIGTERM for in-flight work to drain before killing. */
    stopTimeoutSeconds: number;
    /**
     * A file the service appends its output to (stdout and stderr) instead of the journal, for a log
     * shipper that reads files; rotated daily or past 100 MB by logrotate (copytruncate, 3 kept).
     * @default none (the journal)
     */
    logFile?: string;
    /**
     * Shell commands that start shipping `logFile` off the machine (e.g. install and start the
     * CloudWatch agent). Retried like the other steps; when it still fails the failure is logged
     * and the worker starts anyway (a worker without log shipping still does its work).
     * @default none
     */
    shipLogs?: string;
}

/** logrotate rules for the worker's log file: the service keeps it open, so copy and truncate. */
function logrotateRules(file: string): string {
    return [`${file} {`, "  daily", "  maxsize 100M", "  rotate 3", "  compress", "  missingok", "  notifempty", "  copytruncate", "}"].join("\n");
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

/** Shell text of a function `name` running `body`. */
function shellFunction(name: string, body: string): string {
    return `${name}() {\n${body}\n}`;
}

/**
 * The boot script's prelude: a failure handler (logs the failing line to the console and the
 * system log, runs `onBootFailure`, exits with the step's status) and `retry STEP`, which runs the
 * shell function STEP in a subshell with `set -e` up to `attempts` times, waiting `delaySeconds`,
 * then twice as long after each failure.
 */
export function bootPrelude(s: { onBootFailure?: string; attempts?: number; delaySeconds?: number }): string {
    const attempts = s.attempts ?? 5;
    const delay = s.delaySeconds ?? 2;
    return [
        shellFunction(
            "boot_failed",
            [
                "  local status=$? line=$1",
                '  echo "queuestack boot failed at line ${line} (exit ${status}); the worker is not running" | tee /dev/console | logger -t queuestack-boot || true',
                ...(s.onBootFailure ? [`  ${s.onBootFailure}`] : []),
                '  exit "${status}"',
            ].join("\n"),
        ),
        "trap 'boot_failed $LINENO' ERR",
        shellFunction(
            "retry",
            [
                `  local step=$1 try=1 wait=${delay} status`,
                "  while true; do",
                // A subshell outside any condition keeps `set -e` in force inside the step.
                '    set +e; ( set -e; "${step}" ); status=$?; set -e',
                '    [ "${status}" -eq 0 ] && return 0',
                `    if [ "\${try}" -ge ${attempts} ]; then echo "queuestack boot: \${step} failed \${try} times (exit \${status})" >&2; return "\${status}"; fi`,
                '    echo "queuestack boot: ${step} failed (exit ${status}), try ${try} of ' + attempts + ', retrying in ${wait} s" >&2',
                '    sleep "${wait}"; try=$((try + 1)); wait=$((wait * 2))',
                "  done",
            ].join("\n"),
        ),
    ].join("\n");
}

/**
 * Boot script (cloud-init user data / startup script) that installs Node.js, fetches the worker
 * bundle (both retried with backoff; a step that keeps failing is logged and handed to
 * `onBootFailure`) and runs it as a systemd service with a dynamic unprivileged user, restarted on failure
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
        `ExecStart=${s.nodeCommand ?? "/usr/bin/env node"} ${workerPaths.bundle}`,
        ...(s.logFile ? [`StandardOutput=append:${s.logFile}`, "StandardError=inherit"] : []),
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
        bootPrelude({ onBootFailure: s.onBootFailure, attempts: s.bootAttempts, delaySeconds: s.retryDelaySeconds }),
        shellFunction("install_node", s.installNode),
        shellFunction("fetch_bundle", s.fetchBundle),
        "retry install_node",
        `install -d -m 0755 ${workerPaths.directory}`,
        "install -d -m 0700 /etc/queuestack",
        "retry fetch_bundle",
        `chmod 0644 ${workerPaths.bundle}`,
        `umask 077; cat > ${workerPaths.environment} ${heredoc("QUEUESTACK_ENV", environment)}`,
        `cat > ${workerPaths.unit} ${heredoc("QUEUESTACK_UNIT", unit)}`,
        ...(s.logFile
            ? [
                  `install -d -m 0755 ${s.logFile.slice(0, s.logFile.lastIndexOf("/"))}`,
                  `cat > /etc/logrotate.d/queuestack-worker ${heredoc("QUEUESTACK_LOGROTATE", logrotateRules(s.logFile))}`,
              ]
            : []),
        ...(s.shipLogs
            ? [shellFunction("ship_logs", s.shipLogs), 'retry ship_logs || echo "queuestack boot: log shipping failed; the worker runs without it" | tee /dev/console | logger -t queuestack-boot']
            : []),
        "systemctl daemon-reload",
        "systemctl enable --now queuestack-worker.service",
        "",
    ].join("\n");
}

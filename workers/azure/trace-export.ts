import type { TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import { AzureMonitorTraceExporter } from "@azure/monitor-opentelemetry-exporter";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { requireString, type Env } from "../runtime/config";
import { ConfigError } from "../runtime/errors";

/**
 * Where an Azure entry point sends its spans besides OTLP, from QUEUESTACK_TRACE_EXPORTER (set by
 * the components when spec tracing is on without an endpoint):
 * - unset: nowhere else;
 * - `azure-monitor`: the stack's Application Insights (APPLICATIONINSIGHTS_CONNECTION_STRING),
 *   authenticating with the managed identity (Microsoft Entra ID: the resource disables local auth,
 *   and the identity holds Monitoring Metrics Publisher on it), through Microsoft's Azure Monitor
 *   exporter: Application Insights ingests its own envelope format, not OTLP.
 * `credential` replaces the managed identity (tests).
 */
export function azureTraceExporters(env: Env, credential?: TokenCredential): SpanExporter[] {
    const choice = env.QUEUESTACK_TRACE_EXPORTER?.trim();
    if (!choice) return [];
    if (choice !== "azure-monitor") {
        throw new ConfigError(`QUEUESTACK_TRACE_EXPORTER must be "azure-monitor" or unset (got "${choice}"): where the worker sends its spans. Unset it to export over OTLP only.`);
    }
    const connectionString = requireString(env, "APPLICATIONINSIGHTS_CONNECTION_STRING", "the stack's Application Insights connection string, where traces go");
    return [new AzureMonitorTraceExporter({ connectionString, credential: credential ?? new DefaultAzureCredential(), disableOfflineStorage: true })];
}

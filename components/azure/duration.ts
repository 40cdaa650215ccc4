/**
 * Seconds as an ISO 8601 duration, the format Azure uses for lock durations, TTLs and windows:
 * 90 -> "PT1M30S", 345600 -> "P4D", 86400 + 60 -> "P1DT1M".
 */
export function isoDuration(totalSeconds: number): string {
    if (!Number.isInteger(totalSeconds) || totalSeconds < 0) throw new Error(`isoDuration: expected whole seconds, got ${totalSeconds}`);
    const days = Math.floor(totalSeconds / 86_400);
    const hours = Math.floor((totalSeconds % 86_400) / 3600);
    const minutes = Math.floor((totalSeconds % 3600) / 60);
    const seconds = totalSeconds % 60;
    const time = `${hours ? `${hours}H` : ""}${minutes ? `${minutes}M` : ""}${seconds ? `${seconds}S` : ""}`;
    if (!days && !time) return "PT0S";
    return `P${days ? `${days}D` : ""}${time ? `T${time}` : ""}`;
}

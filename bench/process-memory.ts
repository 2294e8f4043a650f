import { readFileSync, writeFileSync } from "node:fs";

/**
 * A process's memory as the kernel (and so a container's memory limit) sees it, read from outside
 * through /proc/PID/status: the resident set now (VmRSS) and its high-water mark (VmHWM), in
 * bytes. Linux only, as the benchmark machine.
 */
export interface ResidentMemory {
  readonly rss: number;
  readonly peak: number;
}

export function residentMemory(pid: number): ResidentMemory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    if (!match) throw new Error(`no ${name} in /proc/${pid}/status`);
    return Number(match[1]) * 1024;
  };
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

/**
 * Starts a new high-water mark at the current resident set (`5` to /proc/PID/clear_refs), so that
 * the next reading's peak belongs to what ran after this call.
 */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

/** The machine's load averages (1, 5 and 15 minutes), to print beside the figures. */
export function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

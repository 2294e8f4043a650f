import { readFileSync, rmSync, writeFileSync } from "node:fs";

/**
 * A running `gatehouse serve` leaves a marker beside its SQLite file (`STORE.serving`: its pid
 * and address) and removes it when it stops. `demo --reset` reads it so that it never deletes a
 * store under a running server: the server would keep serving the deleted file, and the console
 * would silently show nothing of what the CLI does next.
 */
export interface ServingMarker {
  readonly pid: number;
  readonly url: string;
}

function markerPath(store: string): string {
  return `${store}.serving`;
}

function isSqliteFile(store: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(store) && store !== ":memory:";
}

/** Writes the marker and removes it when this process ends (a kill -9 leaves it; see `servingNow`). */
export function markServing(store: string, url: string): void {
  if (!isSqliteFile(store)) return;
  const path = markerPath(store);
  writeFileSync(path, `${JSON.stringify({ pid: process.pid, url })}\n`);
  process.once("exit", () => rmSync(path, { force: true }));
}

/** The server serving this store now, if any; a marker left by a process that is gone is ignored. */
export function servingNow(store: string): ServingMarker | undefined {
  if (!isSqliteFile(store)) return undefined;
  let marker: ServingMarker;
  try {
    marker = JSON.parse(readFileSync(markerPath(store), "utf8")) as ServingMarker;
  } catch {
    return undefined;
  }
  if (!Number.isInteger(marker.pid) || marker.pid === process.pid) return undefined;
  try {
    process.kill(marker.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; it still holds the file.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return undefined;
  }
  return marker;
}

import type { v1 } from "@authzed/authzed-node";
import { status } from "@grpc/grpc-js";

/**
 * The first `n` items a Watch streams (`itemsOf` reads them from each response), then the
 * stream is cancelled; after 5 s without them, what came and a note that no more did.
 */
export function watchedItems<T>(
  client: { watch(request: v1.WatchRequest): ReturnType<ReturnType<typeof v1.NewClient>["watch"]> },
  request: v1.WatchRequest,
  n: number,
  itemsOf: (response: v1.WatchResponse) => T[],
): Promise<Array<T | string>> {
  return new Promise((resolve, reject) => {
    const stream = client.watch(request);
    const seen: Array<T | string> = [];
    const timer = setTimeout(() => {
      stream.cancel();
      resolve([...seen, "(no more within 5 s)"]);
    }, 5_000);
    stream.on("data", (r: v1.WatchResponse) => {
      seen.push(...itemsOf(r));
      if (seen.length >= n) {
        clearTimeout(timer);
        stream.cancel();
        resolve(seen);
      }
    });
    stream.on("error", (e: { code?: number }) => {
      clearTimeout(timer);
      if (e.code === status.CANCELLED) resolve(seen);
      else reject(e);
    });
  });
}

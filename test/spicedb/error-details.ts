/** Reading SpiceDB's machine-readable error details (google.rpc.Status / ErrorInfo) in tests. */

/** Protobuf's length-delimited fields of a message, in order (all the messages read here have only those). */
export function fieldsOf(bytes: Uint8Array): Array<[number, Uint8Array]> {
  const out: Array<[number, Uint8Array]> = [];
  const varint = (at: number): [number, number] => {
    let value = 0;
    let shift = 0;
    let i = at;
    for (;;) {
      const b = bytes[i++] as number;
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return [value, i];
    }
  };
  let i = 0;
  while (i < bytes.length) {
    const [tag, afterTag] = varint(i);
    if ((tag & 7) === 0) {
      i = varint(afterTag)[1];
      continue;
    }
    const [length, start] = varint(afterTag);
    out.push([tag >> 3, bytes.slice(start, start + length)]);
    i = start + length;
  }
  return out;
}

export const utf8 = (b: Uint8Array) => new TextDecoder().decode(b);

/** A google.rpc.ErrorInfo as `{reason, domain, metadata}` (map keys sorted). */
export function decodeErrorInfo(bytes: Uint8Array): unknown {
  const fields = fieldsOf(bytes);
  const metadata = Object.fromEntries(
    fields
      .filter(([n]) => n === 3)
      .map(([, entry]) => {
        const parts = fieldsOf(entry);
        const key = parts.find(([n]) => n === 1)?.[1] ?? new Uint8Array();
        const value = parts.find(([n]) => n === 2)?.[1] ?? new Uint8Array();
        return [utf8(key), utf8(value)] as [string, string];
      })
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return {
    reason: utf8(fields.find(([n]) => n === 1)?.[1] ?? new Uint8Array()),
    domain: utf8(fields.find(([n]) => n === 2)?.[1] ?? new Uint8Array()),
    metadata,
  };
}

/** The details of a failed call's `grpc-status-details-bin` trailer, each as `{typeUrl, info}`. */
export function statusDetailsOf(error: unknown): unknown[] {
  const e = error as { metadata?: { get(key: string): Array<Buffer | string> } };
  const [bin] = e.metadata?.get("grpc-status-details-bin") ?? [];
  if (bin === undefined) return [];
  return fieldsOf(new Uint8Array(bin as Buffer))
    .filter(([n]) => n === 3)
    .map(([, any]) => {
      const [[, typeUrl], [, value]] = fieldsOf(any) as [[number, Uint8Array], [number, Uint8Array]];
      return { typeUrl: utf8(typeUrl), info: decodeErrorInfo(value) };
    });
}

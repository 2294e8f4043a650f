/**
 * SpiceDB's machine-readable error detail: a `google.rpc.ErrorInfo` (domain `authzed.com`, a
 * reason of `authzed.api.v1.ErrorReason` such as `ERROR_REASON_UNKNOWN_DEFINITION`, and metadata
 * naming what was wrong), sent in `grpc-status-details-bin` and in each CheckBulkPermissions
 * item's error. Clients that branch on the reason rather than the message (authzed-go's and
 * authzed-py's users do) read it. Encoded here by hand: three small messages, no proto file.
 */
export interface ErrorInfo {
  readonly reason: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export const ERROR_DOMAIN = "authzed.com";
export const ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo";

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** A length-delimited field: its tag, its length, its bytes. */
function field(number: number, bytes: Uint8Array): number[] {
  return [...varint((number << 3) | 2), ...varint(bytes.length), ...bytes];
}

const text = (s: string) => new TextEncoder().encode(s);

/** `google.rpc.ErrorInfo { reason = 1; domain = 2; map<string, string> metadata = 3; }` */
export function encodeErrorInfo(info: ErrorInfo): Uint8Array {
  const bytes = [...field(1, text(info.reason)), ...field(2, text(ERROR_DOMAIN))];
  for (const [key, value] of Object.entries(info.metadata))
    bytes.push(...field(3, new Uint8Array([...field(1, text(key)), ...field(2, text(value))])));
  return new Uint8Array(bytes);
}

/** `google.rpc.Status { code = 1; message = 2; repeated Any details = 3; }` with one ErrorInfo. */
export function encodeStatusDetails(code: number, message: string, info: ErrorInfo): Buffer {
  const any = [...field(1, text(ERROR_INFO_TYPE)), ...field(2, encodeErrorInfo(info))];
  return Buffer.from([
    ...(code > 0 ? [0x08, ...varint(code)] : []),
    ...field(2, text(message)),
    ...field(3, new Uint8Array(any)),
  ]);
}

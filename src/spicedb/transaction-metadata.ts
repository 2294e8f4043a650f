import { v1 } from "@authzed/authzed-node";

/** The longest transaction metadata kept with a revision (as its reason); longer is cut. */
const TRANSACTION_METADATA_MAX = 2_000;

const PREFIX = "transaction metadata ";

/**
 * `optional_transaction_metadata`: SpiceDB keeps it with the transaction for watchers; Gatehouse
 * keeps it with the revision as its reason (`gatehouse revision show`), as JSON. Refusing it
 * failed the official clients' own suites (authzed-node writes it and expects the write).
 */
export function transactionMetadataReason(metadata: v1.PbStruct | undefined): string | undefined {
  if (metadata === undefined || Object.keys(metadata.fields).length === 0) return undefined;
  const text = `${PREFIX}${JSON.stringify(v1.PbStruct.toJson(metadata))}`;
  return text.length > TRANSACTION_METADATA_MAX ? `${text.slice(0, TRANSACTION_METADATA_MAX)}…` : text;
}

/**
 * The transaction metadata a revision's reason holds (`transactionMetadataReason`), for Watch to
 * send back as SpiceDB does; `undefined` for any other reason, and for metadata that was cut.
 */
export function transactionMetadataOf(reason: string | null): v1.PbStruct | undefined {
  if (reason === null || !reason.startsWith(PREFIX)) return undefined;
  try {
    const json: unknown = JSON.parse(reason.slice(PREFIX.length));
    if (json === null || typeof json !== "object" || Array.isArray(json)) return undefined;
    return v1.PbStruct.fromJson(json as Parameters<typeof v1.PbStruct.fromJson>[0]);
  } catch {
    return undefined;
  }
}

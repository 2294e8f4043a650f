import { type Static, Type } from "@sinclair/typebox";
import { Nullable } from "./fields.js";

export const AuditRecordView = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  tenant: Nullable(Type.String()),
  target: Type.String(),
  reason: Nullable(Type.String()),
  revision: Nullable(Type.Integer()),
  details: Type.Unknown({ description: "anything else worth keeping, as JSON" }),
  hash: Nullable(Type.String()),
  previousHash: Nullable(Type.String()),
  chainSeq: Nullable(
    Type.Integer({ description: "the record's place in its tenant's chain (or the store-wide one), from 1" }),
  ),
});
export type AuditRecordView = Static<typeof AuditRecordView>;

export const AuditListView = Type.Object({ records: Type.Array(AuditRecordView) });

export const AuditVerificationView = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  firstBad: Type.Optional(
    Type.Object({ seq: Type.Integer(), problem: Type.String(), message: Type.String() }),
  ),
});
export type AuditVerificationView = Static<typeof AuditVerificationView>;

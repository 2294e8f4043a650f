import type { Gatehouse } from "../../src/service/gatehouse.js";

/**
 * Whether `user:ann` may view `doc:<doc>` in `tenant` on `node`, read at `atLeastRevision` or
 * later when given (the tenant feed and tenant writes tests' schema: `doc` with `view`).
 */
export function docView(node: Gatehouse) {
  return (tenant: string, doc: string, atLeastRevision?: number) =>
    node.check(
      tenant,
      { resource: { type: "doc", id: doc }, permission: "view", subject: { type: "user", id: "ann" } },
      atLeastRevision === undefined ? {} : { atLeastRevision },
    );
}

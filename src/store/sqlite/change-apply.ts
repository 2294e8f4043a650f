import { GatehouseError, inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import type { ApplyInput, ApplyResult } from "../change-records.js";
import { checkId } from "../common/input-checks.js";
import { checkRegionObjects } from "../common/region-checks.js";
import { planUpdates } from "../common/write-plan.js";
import type { AuditLog } from "./audit-log.js";
import type { ChangeTables } from "./change-tables.js";
import type { SqliteConnection } from "./connection.js";
import { writeUpdates } from "./relationship-writes.js";
import type { Revisions } from "./revisions.js";
import type { SchemaVersions } from "./schema-versions.js";
import { checkRegionFresh } from "./stale-region.js";

export interface ApplyParts {
  readonly db: SqliteConnection;
  readonly revisions: Revisions;
  readonly schemas: SchemaVersions;
  readonly changes: ChangeTables;
  readonly audit: AuditLog;
  readonly now: () => string;
}

/**
 * Applies a change in one IMMEDIATE transaction: the staleness check, the relationship updates
 * and the schema as one new revision, the change's new state and its audit record. The write
 * lock is held from the check to the commit, so nothing can slip in between; any error rolls
 * everything back, the revision number included.
 */
export function applyChange(parts: ApplyParts, input: ApplyInput): ApplyResult {
  const { db, revisions, schemas, changes, audit } = parts;
  const id = checkId(input.changeId, "changeId");
  checkTenant(input.tenant, { field: "tenant" });
  const planned = planUpdates(input.updates);
  if (input.schema !== null && typeof input.schema !== "string") {
    throw inputError("the schema must be text or null", { field: "schema" });
  }
  if (planned.length === 0 && input.schema === null) {
    throw inputError(`change ${id} has nothing to apply: no relationship updates and no schema`, {
      field: "updates",
    });
  }
  checkRegionObjects(input.region.objects);

  return db.transaction(() => {
    const change = changes.require(id, "changeId");
    if (change.tenant !== input.tenant) {
      throw inputError(`change ${id} belongs to tenant \`${change.tenant}\`, not \`${input.tenant}\``, {
        field: "tenant",
      });
    }
    // Two appliers racing on one change: the second one finds it applied here, under the lock.
    if (change.appliedRevision !== null) {
      throw new GatehouseError(
        "conflict",
        `change ${id} was already applied at revision ${change.appliedRevision}`,
      );
    }
    revisions.at(input.region.baseRevision);
    checkRegionFresh(db, schemas, input);

    const revision = revisions.next(input.tenant, "change", {
      actor: input.actor,
      reason: input.reason ?? undefined,
      door: `change ${id}`,
    });
    const { created, deleted } =
      planned.length > 0 ? writeUpdates(db, input.tenant, revision, planned) : { created: [], deleted: [] };
    const schemaVersion =
      input.schema === null ? null : schemas.insert(revision, input.schema, parts.now(), input.actor);
    changes.markApplied(id, revision, { created, deleted, schemaVersion: schemaVersion?.version ?? null });
    audit.append(input.audit, revision);
    return { revision, created, deleted, schemaVersion, change: changes.require(id) };
  });
}

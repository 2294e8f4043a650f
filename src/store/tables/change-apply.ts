import { GatehouseError, inputError } from "../../model/errors.js";
import { checkTenant } from "../../model/names.js";
import type { ApplyInput, ApplyResult } from "../change-records.js";
import { checkId } from "../common/input-checks.js";
import { checkRegionObjects } from "../common/region-checks.js";
import { clockKey } from "../common/trait-columns.js";
import { planUpdates } from "../common/write-plan.js";
import type { Database } from "../sql/sql.js";
import type { AuditLog } from "./audit-log.js";
import type { ChangeTables } from "./change-tables.js";
import { writeUpdates } from "./relationship-writes.js";
import { checkRevision, notAfter, type Revisions } from "./revisions.js";
import type { SchemaVersions } from "./schema-versions.js";
import { checkRegionFresh } from "./stale-region.js";

export interface ApplyParts {
  readonly db: Database;
  readonly revisions: Revisions;
  readonly schemas: SchemaVersions;
  readonly changes: ChangeTables;
  readonly audit: AuditLog;
  readonly now: () => string;
}

/**
 * Applies a change in one transaction: the staleness check, the relationship
 * updates and the schema as one new revision, the change's new state and its audit record. The
 * writer lock, the revision sequence, then the tenant's audit chain are locked first, so no other writer of the tenant (of
 * the store, for a schema) can write between the check and the commit (on PostgreSQL other tenants' writers take
 * numbers meanwhile: `Revisions`), and each statement after the lock sees every earlier commit (READ
 * COMMITTED takes a new snapshot per statement; SQLite's IMMEDIATE transaction holds the file). Any error rolls everything back, the revision
 * number included.
 */
export async function applyChange(parts: ApplyParts, input: ApplyInput): Promise<ApplyResult> {
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

  return revisions.writing(db, async (sql) => {
    // A schema is store-wide: it holds every writer. The revision sequence and the head of the
    // tenant's audit chain are then held from the start (not only from the number on), so that
    // no other act on the tenant is audited, a cancel of this change included (every act on a
    // change is audited with its tenant), between the checks below and the commit.
    await revisions.lockWriter(sql, input.schema === null ? input.tenant : null);
    const head = await revisions.lock(sql);
    await audit.lock(sql, input.audit);
    const change = await changes.require(sql, id, "changeId");
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
    checkRevision(input.region.baseRevision);
    notAfter(input.region.baseRevision, head);
    await checkRegionFresh(sql, db.dialect, schemas, input);

    const revision = await revisions.next(sql, input.tenant, "change", {
      actor: input.actor,
      reason: input.reason ?? undefined,
      door: `change ${id}`,
    });
    const { created, deleted } =
      planned.length > 0
        ? await writeUpdates(sql, db.dialect, input.tenant, revision, planned, clockKey(parts.now()))
        : { created: [], deleted: [] };
    const schemaVersion =
      input.schema === null
        ? null
        : await schemas.insert(sql, revision, input.schema, parts.now(), input.actor);
    await changes.markApplied(sql, id, revision, {
      created,
      deleted,
      schemaVersion: schemaVersion?.version ?? null,
    });
    await audit.append(sql, input.audit, revision);
    return { revision, created, deleted, schemaVersion, change: await changes.require(sql, id) };
  });
}

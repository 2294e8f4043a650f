import { type ChangeFile, parseChangeFile } from "../changes/change-file.js";
import { GatehouseError } from "../model/errors.js";
import { checkTenant } from "../model/names.js";
import type { Gatehouse } from "./gatehouse.js";
import type { ChangeFileCheckView } from "./views/change-file-check.js";

/**
 * A change file checked as `propose` would check it, and nothing written: an editor calls this as
 * the file is typed and places each problem at its line and column. Every problem is listed,
 * not only the first, so that a person fixes them in one pass.
 */
export async function checkChangeFile(
  gatehouse: Gatehouse,
  text: string,
  tenant: string,
): Promise<ChangeFileCheckView> {
  let file: ChangeFile | undefined;
  let problems: GatehouseError[] = [];
  try {
    file = parseChangeFile(text, "change");
    const fileTenant = file.tenant ?? tenant;
    if (fileTenant !== tenant)
      throw new GatehouseError(
        "input",
        `the change file names tenant \`${fileTenant}\` but is written for \`${tenant}\``,
        { field: "tenant" },
      );
    await gatehouse.changes.checkProposal(file, checkTenant(fileTenant));
  } catch (error) {
    if (!(error instanceof GatehouseError) || error.kind !== "input") throw error;
    problems = error.details.length ? [...error.details] : [error];
  }
  return {
    ok: problems.length === 0,
    tenant,
    intent: file?.intent ?? null,
    writes: file?.spec.writes.length ?? 0,
    deletes: file?.spec.deletes.length ?? 0,
    deleteWhere: file?.spec.deleteWhere.length ?? 0,
    schema: (file?.spec.schema ?? null) !== null,
    problems: problems.map((p) => ({
      message: p.message,
      line: p.place?.line ?? null,
      column: p.place?.column ?? null,
      field: p.place?.field ?? null,
    })),
  };
}

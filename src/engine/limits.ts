import { GatehouseError } from "../model/errors.js";
import type { MemberDef } from "../schema/compiled.js";
import type { Evaluator } from "./evaluator.js";

export function depthExceeded(evaluator: Evaluator, object: number, member: MemberDef): never {
  const where = object >= 0 ? `${evaluator.data.objectKeys.get(object)}#${member.name}` : member.name;
  throw new GatehouseError(
    "limit",
    `max depth of ${evaluator.maxDepth} exceeded at \`${where}\`: the relationships form a chain deeper than the limit (raise it with maxDepth, or look for unintended nesting)`,
  );
}

/**
 * The most steps one explanation takes. Explain walks every step again rather than the check's
 * remembered answers (its tree shows each), so data whose objects reach the same objects by
 * several paths (a diamond: each folder with two parents, each of two parents) makes the tree
 * double with each level: 160 relationships 40 levels deep took one explain past a 4 GB heap.
 * A check's tree of written data is tens to thousands of steps.
 */
export const MAX_EXPLAIN_STEPS = 100_000;

/** An explanation past `MAX_EXPLAIN_STEPS`: refused, the check itself still answers. */
export function explainTooLarge(): GatehouseError {
  return new GatehouseError(
    "limit",
    `the explanation takes more than ${MAX_EXPLAIN_STEPS.toLocaleString("en")} steps (the relationships it walks reach the same objects by many paths, and each path is shown): ask the check without explain, or explain a narrower one (an object further down)`,
  );
}

/**
 * The most steps one check walks. A step answered once is remembered, so a check walks each
 * (object, permission) it meets about once, but answers that a cycle cut can be taken again
 * (see cut-path.ts), and data written to defeat that (cycles under every level of a diamond)
 * made one check double with each level: 162 relationships held the server's event loop for
 * as long as anyone waited. A check of written data is tens to thousands of steps.
 */
export const MAX_CHECK_STEPS = 1_000_000;

export function checkTooLarge(where: string): GatehouseError {
  return new GatehouseError(
    "limit",
    `the check takes more than ${MAX_CHECK_STEPS.toLocaleString("en")} steps at \`${where}\`: its relationships reach the same objects by many paths through cycles (look for unintended cycles in the data)`,
  );
}

/**
 * The most steps one batch of checks walks in all (`/checks`, `/checks/text`, CheckBulkPermissions,
 * `permission check --batch`): 10,000 checks whose data keeps each just under `MAX_CHECK_STEPS`
 * would otherwise hold the event loop for 10,000 times half a second. Ordinary checks are tens
 * to thousands of steps, so a full batch of them stays far below.
 */
export const MAX_BATCH_STEPS = 10_000_000;

/**
 * Steps walked by checks, counted for the batch being answered: a batch sets `until` for its
 * synchronous answer loop (`withinBatchBudget`), the walks count and compare. Outside a batch
 * `until` is infinite.
 */
export const batchSteps = { walked: 0, until: Number.POSITIVE_INFINITY };

/** Runs a batch's answer loop (synchronous: nothing else walks meanwhile) within `MAX_BATCH_STEPS`. */
export function withinBatchBudget<T>(answer: () => T): T {
  const outer = batchSteps.until;
  // The outermost batch starts the count again: it never grows past what one batch walks.
  if (outer === Number.POSITIVE_INFINITY) batchSteps.walked = 0;
  batchSteps.until = Math.min(outer, batchSteps.walked + MAX_BATCH_STEPS);
  try {
    return answer();
  } finally {
    batchSteps.until = outer;
  }
}

export function batchTooLarge(): GatehouseError {
  return new GatehouseError(
    "limit",
    `the batch takes more than ${MAX_BATCH_STEPS.toLocaleString("en")} steps in all: its checks reach the same objects by many paths through cycles (look for unintended cycles in the data), or send fewer checks a request`,
  );
}

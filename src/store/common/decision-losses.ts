import { inputError } from "../../model/errors.js";
import type { DecisionLoss, DecisionLossReason, DecisionTally } from "../decision-records.js";
import { checkTime } from "./input-checks.js";

const REASONS: readonly DecisionLossReason[] = ["buffer_full", "store_failed", "closed", "process_ended"];

export function checkLoss(loss: DecisionLoss): DecisionLoss {
  if (typeof loss.process !== "string" || loss.process === "" || loss.process.length > 200)
    throw inputError("invalid decision loss process: expected a name", { field: "process" });
  if (!REASONS.includes(loss.reason))
    throw inputError(`invalid decision loss reason \`${String(loss.reason)}\``, { field: "reason" });
  if (!Number.isSafeInteger(loss.count) || loss.count < 1)
    throw inputError(`invalid decision loss count \`${loss.count}\`: expected 1 or more`, { field: "count" });
  checkTime(loss.firstAt, "firstAt");
  checkTime(loss.lastAt, "lastAt");
  return loss;
}

export function checkTally(tally: DecisionTally): DecisionTally {
  if (typeof tally.process !== "string" || tally.process === "" || tally.process.length > 200)
    throw inputError("invalid decision tally process: expected a name", { field: "process" });
  for (const field of ["answered", "recorded", "lost"] as const)
    if (!Number.isSafeInteger(tally[field]) || tally[field] < 0)
      throw inputError(`invalid decision tally ${field} \`${tally[field]}\``, { field });
  for (const field of ["startedAt", "savedAt", "writtenAt"] as const) checkTime(tally[field], field);
  return tally;
}

/** What a process that ended without closing left unwritten, as a loss, or nothing. */
export function unwrittenLoss(tally: DecisionTally): DecisionLoss | undefined {
  const count = tally.answered - tally.recorded - tally.lost;
  if (count <= 0) return undefined;
  return {
    process: tally.process,
    reason: "process_ended",
    count,
    firstAt: tally.writtenAt,
    lastAt: tally.savedAt,
  };
}

export type LossRow = [string, string, number, string, string];
export type TallyRow = [string, string, string, string, number, number, number, number | boolean];

export const LOSS_COLUMNS = "process, reason, count, first_at, last_at";
export const TALLY_COLUMNS = "process, started_at, saved_at, written_at, answered, recorded, lost, ended";

export function lossOf([process, reason, count, firstAt, lastAt]: LossRow): DecisionLoss {
  return { process, reason: reason as DecisionLossReason, count: Number(count), firstAt, lastAt };
}

export function tallyOf([
  process,
  startedAt,
  savedAt,
  writtenAt,
  answered,
  recorded,
  lost,
  ended,
]: TallyRow): DecisionTally {
  return {
    process,
    startedAt,
    savedAt,
    writtenAt,
    answered: Number(answered),
    recorded: Number(recorded),
    lost: Number(lost),
    ended: Boolean(ended),
  };
}

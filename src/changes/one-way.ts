/**
 * Which way a change can move access, as far as the schema tells without evaluating: a plan
 * skips the questions whose answers a one-way change cannot move.
 */
export type OneWay =
  /** It only deletes relationships that are read only positively: access can only be lost. */
  | "only-loses"
  /** It only writes relationships that are read only positively: access can only be gained. */
  | "only-gains"
  /** Anything else (writes and deletes, a relation read negatively, a model change). */
  | "either";

/**
 * Whether an answer from before the change is one the change cannot move: a denial when access
 * can only be lost, a grant when it can only be gained.
 */
export function cannotMove(oneWay: OneWay, before: boolean): boolean {
  return oneWay === "only-loses" ? !before : oneWay === "only-gains" && before;
}

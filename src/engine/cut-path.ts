/**
 * The path of a walk that cuts cycles (a step already on the path answers "no" there), and what
 * an answer found below a cut may be remembered for.
 *
 * An answer is final when every cut below it named the step itself or a step below it: the
 * cycles closed inside its own walk. One whose walk cut a step above it holds only while those
 * steps are on the path, the same entries of it: it is kept with that assumption (`Assumption`)
 * and used again only where it still holds, which is then an assumption of the step using it
 * too. Forgetting such answers altogether (as walks did) made one cycle under a diamond (each
 * object reaching the next level by two paths) double the walk with every level above it.
 */
export interface Assumption {
  /** Path positions the answer's cuts named (all above the step that found it). */
  readonly positions: readonly number[];
  /** The deepest of them, and the push of the step that stood there: it must stand there still. */
  readonly deepest: number;
  readonly push: number;
}

export class CutPath {
  /** The steps on the path, outermost first. */
  readonly steps: number[] = [];
  /** For each position, which push put its step there (pushes are numbered for the walk's life). */
  readonly #pushes: number[] = [];
  /**
   * For each position, the last cut event that named it. Not cleared when a position is left: a
   * value left by an earlier step there is older than any mark taken since, so it never counts.
   */
  readonly #cutAt: number[] = [];
  #pushCount = 0;
  #events = 0;

  /** Steps entered so far, over the walk's life (a check's count is the difference). */
  get entered(): number {
    return this.#pushCount;
  }

  reset(): void {
    this.steps.length = 0;
    this.#pushes.length = 0;
  }

  /** Whether `step` is on the path, which is then a cut (recorded against its position). */
  cut(step: number): boolean {
    const at = this.steps.indexOf(step);
    if (at < 0) return false;
    this.#cutAt[at] = ++this.#events;
    return true;
  }

  /** Enters `step`; the mark to give `leave`. */
  enter(step: number): number {
    this.steps.push(step);
    this.#pushes.push(++this.#pushCount);
    return this.#events;
  }

  /**
   * Leaves the step entered last: undefined when its answer is final, else what it assumes
   * (the positions above it that cuts below it named since `mark`).
   */
  leave(mark: number): Assumption | undefined {
    this.steps.pop();
    this.#pushes.pop();
    if (this.#events === mark) return undefined;
    const positions: number[] = [];
    const cutAt = this.#cutAt;
    for (let at = Math.min(this.steps.length, cutAt.length) - 1; at >= 0; at--)
      if (cutAt[at]! > mark) positions.push(at);
    if (positions.length === 0) return undefined;
    const deepest = positions[0]!;
    return { positions, deepest, push: this.#pushes[deepest]! };
  }

  /**
   * Whether an answer found under `assumption` holds here (the steps it assumed are on the path,
   * the same entries of it); when it does, the step using it assumes them too.
   */
  holds(assumption: Assumption): boolean {
    const { deepest } = assumption;
    if (deepest >= this.steps.length || this.#pushes[deepest] !== assumption.push) return false;
    for (const at of assumption.positions) this.#cutAt[at] = ++this.#events;
    return true;
  }
}

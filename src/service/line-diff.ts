/**
 * A line diff of two texts, as a reviewer reads a model change: the lines both keep, the lines
 * the change removes and those it adds, in order. Longest common subsequence over the lines
 * between the common head and tail; schemas run to hundreds of lines, so the table stays small.
 */

export interface DiffLine {
  readonly op: "same" | "removed" | "added";
  readonly text: string;
  /** 1-based line numbers in the text before and after (null on the side the line is not in). */
  readonly before: number | null;
  readonly after: number | null;
}

/** Above this many cells the middle is shown as removed then added, not aligned line by line. */
const MAX_CELLS = 4_000_000;

/** A text's lines; an empty text has none (not one empty line). */
function linesOf(text: string): string[] {
  return text === "" ? [] : text.replace(/\n$/, "").split("\n");
}

export function lineDiff(beforeText: string, afterText: string): DiffLine[] {
  const a = linesOf(beforeText);
  const b = linesOf(afterText);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ op: "same", text: a[i]!, before: i + 1, after: i + 1 });
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const n = midA.length;
  const m = midB.length;
  if (n * m > MAX_CELLS) {
    for (const [i, text] of midA.entries())
      out.push({ op: "removed", text, before: head + i + 1, after: null });
    for (const [j, text] of midB.entries())
      out.push({ op: "added", text, before: null, after: head + j + 1 });
  } else {
    // lcs[i][j]: the common lines of midA[i..] and midB[j..], one flat array.
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        lcs[i * width + j] =
          midA[i] === midB[j]
            ? lcs[(i + 1) * width + j + 1]! + 1
            : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        out.push({ op: "same", text: midA[i]!, before: head + i + 1, after: head + j + 1 });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
        // What goes is shown before what replaces it, as unified diffs read.
        out.push({ op: "removed", text: midA[i]!, before: head + i + 1, after: null });
        i++;
      } else {
        out.push({ op: "added", text: midB[j]!, before: null, after: head + j + 1 });
        j++;
      }
    }
  }
  for (let k = tail; k > 0; k--)
    out.push({ op: "same", text: a[a.length - k]!, before: a.length - k + 1, after: b.length - k + 1 });
  return out;
}

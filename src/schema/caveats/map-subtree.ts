import type { CelFunc, CelMap } from "@bufbuild/cel";
import { cel } from "./cel-runtime.js";

/**
 * SpiceDB's `isSubtreeOf` on maps (pkg/caveats/types/map.go): every key of this map is in the
 * other, nested maps are compared the same way, and other values must be equal.
 */
export function isSubtree(inner: CelMap, outer: CelMap): boolean {
  const { isCelMap } = cel();
  for (const [key, value] of inner) {
    if (!outer.has(key)) return false;
    const other = outer.get(key);
    if (isCelMap(value)) {
      if (!isCelMap(other) || !isSubtree(value, other)) return false;
    } else if (value !== other) return false;
  }
  return true;
}

export function isSubtreeOfMethod(): CelFunc {
  const { celMethod, CelScalar, mapType } = cel();
  const stringMap = mapType(CelScalar.STRING, CelScalar.DYN);
  return celMethod("isSubtreeOf", stringMap, [stringMap], CelScalar.BOOL, function (other) {
    return isSubtree(this, other);
  });
}

import { type CelMap, CelScalar, celMethod, isCelMap, mapType } from "@bufbuild/cel";

/**
 * SpiceDB's `isSubtreeOf` on maps (pkg/caveats/types/map.go): every key of this map is in the
 * other, nested maps are compared the same way, and other values must be equal.
 */
export function isSubtree(inner: CelMap, outer: CelMap): boolean {
  for (const [key, value] of inner) {
    if (!outer.has(key)) return false;
    const other = outer.get(key);
    if (isCelMap(value)) {
      if (!isCelMap(other) || !isSubtree(value, other)) return false;
    } else if (value !== other) return false;
  }
  return true;
}

const STRING_MAP = mapType(CelScalar.STRING, CelScalar.DYN);

export const isSubtreeOfMethod = celMethod(
  "isSubtreeOf",
  STRING_MAP,
  [STRING_MAP],
  CelScalar.BOOL,
  function (other) {
    return isSubtree(this, other);
  },
);

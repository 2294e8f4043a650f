import { createRequire } from "node:module";
import type * as Cel from "@bufbuild/cel";

let loaded: typeof Cel | undefined;

/**
 * `@bufbuild/cel`, loaded on first use: only a schema with caveats (or a request's caveat
 * context) needs it, and loading it costs every process about 17 MB of memory (max RSS of
 * `node -e 'await import("@bufbuild/cel")'` 58 MB against 40 MB for an empty one), which a
 * plain `gatehouse permission check` would otherwise pay on each run. Compiling a schema is
 * synchronous, so the package's CommonJS build is required rather than imported. Every run-time
 * use of CEL goes through here, so that its values (types, methods, environments) come from one
 * copy of the package.
 */
export function cel(): typeof Cel {
  loaded ??= createRequire(import.meta.url)("@bufbuild/cel") as typeof Cel;
  return loaded;
}

import { createRequire } from "node:module";
import type * as Yaml from "yaml";

let loaded: typeof Yaml | undefined;

/**
 * The `yaml` package, loaded the first time a YAML text is read rather than when a module that
 * could read one is imported: the guards and change files are reachable from every command, and
 * the library is about 100 modules (0.1 s of CPU) that a `permission check` never uses. Node
 * loads its CommonJS build for an `import` too (the package's `node` export), so this is the
 * same module, and its node tests (`isScalar`, ...) agree with any imported elsewhere.
 */
export function yamlLibrary(): typeof Yaml {
  loaded ??= createRequire(import.meta.url)("yaml") as typeof Yaml;
  return loaded;
}

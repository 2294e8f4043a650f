#!/usr/bin/env node
import module from "node:module";

// Node 22.1+ can keep the compiled code of the modules it loads on disk (in the OS temporary
// folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off), as TypeScript's own `tsc` does; Node 20 has
// no such cache (not even the NODE_COMPILE_CACHE variable), and there this does nothing. It
// must run before the program's modules are imported, hence the dynamic import below.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const { main } = await import("./program.js");
process.exitCode = await main(process.argv.slice(2));

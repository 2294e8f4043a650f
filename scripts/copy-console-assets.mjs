// The console's HTML and CSS go beside its compiled script (tsconfig.console.json), where the
// server serves them from (src/server/console-routes.ts).
import { copyFileSync, mkdirSync } from "node:fs";

const from = new URL("../src/console/", import.meta.url);
const to = new URL("../dist/web/console/", import.meta.url);
mkdirSync(to, { recursive: true });
for (const file of ["index.html", "console.css"]) copyFileSync(new URL(file, from), new URL(file, to));

import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply } from "fastify";
import { HttpError } from "./http-errors.js";

/**
 * The web console: index.html, console.css and the compiled modules of src/console/app, served
 * from the build's output (`npm run build` puts them in dist/web/console). From dist/server that
 * is the sibling folder; run from the source tree (tests) it is the build's output beside it.
 * Every file is read once, and only the files the build wrote are served, under a
 * Content-Security-Policy that lets the page run nothing and style nothing but these files.
 */
const BUILT = import.meta.url.endsWith(".ts") ? "../../dist/web/console/" : "../web/console/";
const CONSOLE_DIR = new URL(BUILT, import.meta.url);

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

interface ConsoleFile {
  readonly type: string;
  readonly body: Buffer;
}

/** Path (below /console/) to file, as the build wrote them. */
async function readConsole(dir: URL): Promise<Map<string, ConsoleFile>> {
  const files = new Map<string, ConsoleFile>();
  const add = async (name: string) => {
    const type = TYPES[name.slice(name.lastIndexOf("."))];
    if (type) files.set(name, { type, body: await readFile(new URL(name, dir)) });
  };
  await add("index.html");
  await add("console.css");
  for (const name of await readdir(new URL("app/", dir))) await add(`app/${name}`);
  return files;
}

/** `dir`: where the built console is (a file URL ending in `/`); tests name another. */
export function registerConsole(app: FastifyInstance, dir: URL = CONSOLE_DIR): void {
  let loaded: Promise<Map<string, ConsoleFile>> | undefined;
  const send = async (reply: FastifyReply, name: string) => {
    loaded ??= readConsole(dir);
    const files = await loaded.catch((error: NodeJS.ErrnoException) => {
      loaded = undefined;
      if (error.code === "ENOENT") return null;
      throw error;
    });
    if (files === null)
      throw new HttpError(
        503,
        "unavailable",
        `the console is not built (no ${fileURLToPath(dir)}): run npm run build`,
      );
    const file = files.get(name);
    if (!file) throw new HttpError(404, "not_found", `the console has no file \`${name}\``);
    return reply
      .type(file.type)
      .header("content-security-policy", CONSOLE_CSP)
      .header("x-content-type-options", "nosniff")
      .send(file.body);
  };
  app.get("/console", { schema: { hide: true } }, async (_request, reply) => send(reply, "index.html"));
  // `/console/` is the page too: people type the slash (it was a 404).
  app.get<{ Params: { "*": string } }>("/console/*", { schema: { hide: true } }, async (request, reply) =>
    send(reply, request.params["*"] || "index.html"),
  );
}

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { registerConsole } from "../../src/server/console-routes.js";
import { sendError } from "../../src/server/http-errors.js";

/** Serving the built console from a folder: what the build wrote, and a clear word when it is not built. */
describe("console routes", () => {
  let dir: string;
  let app: FastifyInstance;

  const serve = async (folder: string) => {
    app = Fastify();
    app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
    registerConsole(app, pathToFileURL(`${folder}/`));
    await app.ready();
  };

  afterEach(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the page, its styles and its modules with their types, and nothing else", async () => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-console-"));
    mkdirSync(join(dir, "app"));
    writeFileSync(join(dir, "index.html"), "<!doctype html>");
    writeFileSync(join(dir, "console.css"), "body {}");
    writeFileSync(join(dir, "app", "main.js"), "export {};");
    writeFileSync(join(dir, "app", "notes.txt"), "not served");
    await serve(dir);
    const page = await app.inject({ url: "/console" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(page.body).toBe("<!doctype html>");
    const slash = await app.inject({ url: "/console/" });
    expect(slash.statusCode).toBe(200);
    expect(slash.body).toBe("<!doctype html>");
    expect(slash.headers["content-security-policy"]).toContain("script-src 'self'");
    expect((await app.inject({ url: "/console/console.css" })).headers["content-type"]).toBe(
      "text/css; charset=utf-8",
    );
    const script = await app.inject({ url: "/console/app/main.js" });
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(script.body).toBe("export {};");
    const other = await app.inject({ url: "/console/app/notes.txt" });
    expect(other.statusCode).toBe(404);
    expect(other.json().error).toMatchObject({ kind: "not_found" });
  });

  it("says how to build the console when it is not built", async () => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-console-"));
    await serve(join(dir, "missing"));
    const response = await app.inject({ url: "/console" });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.message).toContain("run npm run build");
  });
});

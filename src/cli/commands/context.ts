import type { Command } from "commander";
import { GatehouseError } from "../../model/errors.js";
import { contextOf, type GlobalOptions } from "../context.js";
import { checkContextName, contextsFile, readContexts, writeContexts } from "../server-contexts.js";
import { checkUrl } from "../server-target.js";

/** `gatehouse context`: named servers and their tokens, as `zed context` keeps them. */
export function registerContext(program: Command, globals: () => GlobalOptions): void {
  const context = program
    .command("context")
    .description(
      `named servers and tokens for --context and \`context use\` (kept in ${contextsFile()}, mode 0600)`,
    );

  context
    .command("set")
    .argument("<name>", "the context's name, e.g. prod")
    .description(
      "add or replace a context from the global --server URL and --token SECRET (or GATEHOUSE_TOKEN); the first one set becomes the current one",
    )
    .action((name: string) => {
      const out = contextOf(globals()).out;
      // `--server` and `--token` are the program's options, wherever they are typed.
      const { server, token } = globals();
      checkContextName(name);
      if (server === undefined) throw new GatehouseError("usage", "context set needs --server URL");
      const secret = token ?? process.env.GATEHOUSE_TOKEN;
      if (secret === undefined || secret === "")
        throw new GatehouseError("usage", "context set needs a token: --token SECRET or GATEHOUSE_TOKEN");
      const contexts = readContexts();
      contexts.contexts[name] = { server: checkUrl(server, "--server"), token: secret };
      contexts.current ??= name;
      writeContexts(contexts);
      out.result(
        `context \`${name}\` set to ${server}${contexts.current === name ? " (current)" : `; \`gatehouse context use ${name}\` to use it`}`,
        { name, server, current: contexts.current === name },
      );
    });

  context
    .command("use")
    .argument("[name]", "the context commands run through from now on")
    .option("--none", "run commands on the local store again")
    .description("choose the context commands run through (--store, --server and the env still win)")
    .action((name: string | undefined, options: { none?: boolean }) => {
      const out = contextOf(globals()).out;
      if ((name === undefined) === (options.none !== true))
        throw new GatehouseError("usage", "context use needs a NAME, or --none for the local store");
      const contexts = readContexts();
      if (name !== undefined && !contexts.contexts[checkContextName(name)])
        throw new GatehouseError(
          "not_found",
          `there is no context \`${name}\`: known are ${known(contexts.contexts)}; \`gatehouse context set ${name} --server URL\` adds it`,
        );
      contexts.current = name ?? null;
      writeContexts(contexts);
      out.result(
        name === undefined
          ? "no current context: commands run on the local store"
          : `using context \`${name}\``,
        { current: contexts.current },
      );
    });

  context
    .command("list")
    .description("the contexts, the current one marked (tokens are never shown)")
    .action(() => {
      const out = contextOf(globals()).out;
      const contexts = readContexts();
      const rows = Object.entries(contexts.contexts).map(([name, c]) => ({
        name,
        server: c.server,
        current: name === contexts.current,
      }));
      out.result(
        () =>
          rows.length === 0
            ? "no contexts: `gatehouse context set NAME --server URL --token SECRET` adds one"
            : rows.map((r) => `${r.current ? "*" : " "} ${r.name.padEnd(16)} ${r.server}`).join("\n"),
        rows,
      );
    });

  context
    .command("remove")
    .argument("<name>", "the context to forget")
    .description("forget a context and its token")
    .action((name: string) => {
      const out = contextOf(globals()).out;
      const contexts = readContexts();
      if (!contexts.contexts[checkContextName(name)])
        throw new GatehouseError(
          "not_found",
          `there is no context \`${name}\`: known are ${known(contexts.contexts)}`,
        );
      delete contexts.contexts[name];
      if (contexts.current === name) contexts.current = null;
      writeContexts(contexts);
      out.result(`context \`${name}\` removed`, { removed: name });
    });
}

function known(contexts: Record<string, unknown>): string {
  const names = Object.keys(contexts);
  return names.length === 0 ? "none" : names.map((n) => `\`${n}\``).join(", ");
}

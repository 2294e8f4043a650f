import { api, tenant } from "./api.js";
import { alreadyShown, byId, el } from "./dom.js";
import type { ChangeListView } from "./responses.js";

/** The changes of the tenant, newest first; a change's id opens its page. */

type Opener = (id: number) => Promise<void>;
let openChange: Opener = async () => {};

/** The change page registers itself here (it imports this module, not the other way round). */
export function onOpenChange(open: Opener): void {
  openChange = open;
}

export async function loadChanges(): Promise<void> {
  const { changes } = await api<ChangeListView>("GET", `/v1/changes?tenant=${tenant()}`);
  const open = (id: number) => (event: MouseEvent) => {
    event.preventDefault();
    openChange(id).catch(alreadyShown);
  };
  byId("changes-table", HTMLTableElement).tBodies[0]!.replaceChildren(
    ...changes.map((c) =>
      el(
        "tr",
        {},
        el(
          "td",
          {},
          el(
            "a",
            { href: `#change-${c.id}`, onclick: open(c.id), attrs: { "aria-label": `change ${c.id}` } },
            String(c.id),
          ),
        ),
        el("td", {}, c.state),
        el("td", {}, c.intent),
        el("td", {}, c.author),
        el("td", {}, c.reason),
      ),
    ),
  );
}

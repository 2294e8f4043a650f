import { api, setTenant } from "./api.js";
import { byId, el } from "./dom.js";
import type { TenantListView } from "./responses.js";
import { showTab } from "./tabs.js";

/** The tenants the token may know of: listed on their page, offered in the header's tenant field. */

let known: Promise<readonly string[]> | undefined;

/** The tenants, asked once a token (a new token may see others). */
export function knownTenants(): Promise<readonly string[]> {
  known ??= api<TenantListView>("GET", "/v1/tenants").then(
    (answer) => answer.tenants,
    (error: unknown) => {
      known = undefined;
      throw error;
    },
  );
  return known;
}

export function forgetTenants(): void {
  known = undefined;
}

export async function loadTenants(): Promise<void> {
  forgetTenants();
  const tenants = await knownTenants();
  byId("tenant-names", HTMLDataListElement).replaceChildren(
    ...tenants.map((t) => el("option", { attrs: { value: t } })),
  );
  byId("tenant-list", HTMLUListElement).replaceChildren(
    ...(tenants.length
      ? tenants.map((t) =>
          el(
            "li",
            {},
            el(
              "button",
              {
                attrs: { type: "button", "aria-label": `use tenant ${t}` },
                onclick: () => {
                  setTenant(t);
                  showTab("changes");
                },
              },
              t,
            ),
          ),
        )
      : [el("li", { class: "muted" }, "No tenant has relationships yet.")]),
  );
}

import { alreadyShown } from "./dom.js";

/** The console's pages: one shown at a time, chosen in the header; each may load when shown. */

const loaders = new Map<string, () => Promise<void>>();

export function onShowTab(tab: string, load: () => Promise<void>): void {
  loaders.set(tab, load);
}

export function showTab(tab: string): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>("header nav button")) {
    const active = b.dataset.tab === tab;
    b.classList.toggle("active", active);
    if (active) b.setAttribute("aria-current", "page");
    else b.removeAttribute("aria-current");
  }
  for (const section of document.querySelectorAll("main section[id]"))
    section.classList.toggle("active", section.id === tab);
  loaders.get(tab)?.().catch(alreadyShown);
}

export function setUpTabs(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>("header nav button"))
    button.addEventListener("click", () => {
      if (button.dataset.tab !== undefined) showTab(button.dataset.tab);
    });
}

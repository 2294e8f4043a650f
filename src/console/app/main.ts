import { keepToken } from "./api.js";
import { loadAudit, setUpAudit } from "./audit.js";
import { loadChanges } from "./changes.js";
import { alreadyShown, byId, onSubmit } from "./dom.js";
import { setUpExplain } from "./explain.js";
import { loadRollout, setUpRollout } from "./rollout.js";

/** The console's entry point (index.html loads it as a module): the tabs and the forms. */

const loadOnOpen: Record<string, () => Promise<void>> = {
  changes: loadChanges,
  rollout: loadRollout,
  audit: loadAudit,
};

function setUpTabs(): void {
  const buttons = [...document.querySelectorAll<HTMLButtonElement>("nav button")];
  for (const button of buttons) {
    button.addEventListener("click", () => {
      const tab = button.dataset.tab;
      for (const b of buttons) b.classList.toggle("active", b === button);
      for (const section of document.querySelectorAll("section"))
        section.classList.toggle("active", section.id === tab);
      if (tab !== undefined) loadOnOpen[tab]?.().catch(alreadyShown);
    });
  }
}

keepToken();
setUpTabs();
setUpExplain();
onSubmit(byId("changes-form", HTMLFormElement), loadChanges);
setUpRollout();
setUpAudit();

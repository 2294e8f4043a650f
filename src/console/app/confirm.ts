import { byId } from "./dom.js";

/**
 * Asking before an action that changes who has access: the dialog says what will happen and
 * takes the reason that goes to the API (and into the audit trail). Escape or Cancel answers
 * null and nothing is sent. One <dialog> in index.html serves every action.
 */

export interface Confirmation {
  /** The dialog's heading and its account of what will happen. */
  readonly title: string;
  readonly consequence: string;
  /** The confirming button's text, e.g. "Revert change 9". */
  readonly confirm: string;
  /** A reason is required: the button stays refused until one is typed. */
  readonly reasonRequired: boolean;
}

const dialog = byId("confirm", HTMLDialogElement);
const form = byId("confirm-form", HTMLFormElement);
const title = byId("confirm-title", HTMLElement);
const consequence = byId("confirm-consequence", HTMLElement);
const reason = byId("confirm-reason", HTMLTextAreaElement);
const ok = byId("confirm-ok", HTMLButtonElement);
const cancel = byId("confirm-cancel", HTMLButtonElement);

/** The reason typed (maybe ""), or null when the person cancelled. */
export function confirmAction(c: Confirmation): Promise<string | null> {
  title.textContent = c.title;
  consequence.textContent = c.consequence;
  ok.textContent = c.confirm;
  reason.value = "";
  reason.setCustomValidity("");
  reason.oninput = () => reason.setCustomValidity("");
  reason.required = c.reasonRequired;
  reason.setAttribute("aria-required", String(c.reasonRequired));
  return new Promise((resolve) => {
    const done = (value: string | null) => {
      form.removeEventListener("submit", submit);
      cancel.removeEventListener("click", cancelled);
      dialog.removeEventListener("cancel", cancelled);
      dialog.close();
      resolve(value);
    };
    const submit = (event: SubmitEvent) => {
      event.preventDefault();
      if (c.reasonRequired && reason.value.trim() === "") {
        reason.setCustomValidity("Say why: the reason goes into the audit trail.");
        reason.reportValidity();
        return;
      }
      done(reason.value.trim());
    };
    const cancelled = (event: Event) => {
      event.preventDefault();
      done(null);
    };
    form.addEventListener("submit", submit);
    cancel.addEventListener("click", cancelled);
    dialog.addEventListener("cancel", cancelled);
    dialog.showModal();
    reason.focus();
  });
}

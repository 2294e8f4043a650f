import type { ApiErrorBody } from "../../client/client.js";
import { byId } from "./dom.js";
import { consoleWording } from "./wording.js";

/**
 * The console's calls to the JSON API, with the token typed into the header (kept for the
 * browser tab's session only). A refusal is shown in the error line and thrown as an ApiError.
 */

const TOKEN_KEY = "gatehouse-token";
const tokenInput = byId("token", HTMLInputElement);
const tenantInput = byId("tenant", HTMLInputElement);
const errorLine = byId("error", HTMLElement);

export function keepToken(): void {
  tokenInput.value = sessionStorage.getItem(TOKEN_KEY) ?? "";
  tokenInput.addEventListener("change", () => sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim()));
}

/** Makes `name` the tenant of every page. */
export function setTenant(name: string): void {
  tenantInput.value = name;
  tenantInput.dispatchEvent(new Event("change"));
}

/** The tenant named in the header, as typed. */
export function tenantName(): string {
  return tenantInput.value.trim();
}

/** The tenant named in the header, ready for a URL. */
export function tenant(): string {
  return encodeURIComponent(tenantInput.value.trim());
}

export function showError(message: string): void {
  errorLine.textContent = consoleWording(message);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly kind: string | null,
    message: string,
    /** Where in the input the error is (`{line, column, field}`), when the API says. */
    readonly place?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function send(method: "GET" | "POST", path: string, body?: unknown): Promise<Response> {
  showError("");
  const response = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${tokenInput.value.trim()}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (response.ok) return response;
  const data: unknown = await response.json().catch(() => ({}));
  const error = (data as { error?: ApiErrorBody }).error;
  const place = placeText(error?.place);
  const message = error
    ? `${error.kind}: ${place}${error.message}`
    : `${response.status} ${response.statusText}`;
  showError(message);
  throw new ApiError(response.status, error?.kind ?? null, consoleWording(message), error?.place);
}

/** `line 3, column 5: ` of an error's place, when it has one. */
function placeText(place: unknown): string {
  const p = place as { line?: number; column?: number } | undefined;
  if (p?.line === undefined) return "";
  return `line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ""}: `;
}

export async function api<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  return (await (await send(method, path, body)).json()) as T;
}

/** An answer that is not JSON (a CSV export), as text. */
export async function apiText(path: string): Promise<string> {
  return (await send("GET", path)).text();
}

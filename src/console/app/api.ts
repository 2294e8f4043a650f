import type { ApiErrorBody } from "../../client/client.js";
import { byId } from "./dom.js";

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

/** The tenant named in the header, ready for a URL. */
export function tenant(): string {
  return encodeURIComponent(tenantInput.value.trim());
}

export function showError(message: string): void {
  errorLine.textContent = message;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly kind: string | null,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export async function api<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  showError("");
  const response = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${tokenInput.value.trim()}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const data: unknown = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = (data as { error?: ApiErrorBody }).error;
    const message = error ? `${error.kind}: ${error.message}` : `${response.status} ${response.statusText}`;
    showError(message);
    throw new ApiError(response.status, error?.kind ?? null, message);
  }
  return data as T;
}

import createClient, { type Middleware } from "openapi-fetch";

import { getTokens, setTokens } from "../auth/tokens";
import type { Language } from "../i18n";
import * as words from "../i18n/parts/errors";
import type { paths } from "./schema";

/**
 * The dashboard's language, read at each request so that a switch applies to the very next call. The same rule as
 * the I18nProvider's (i18n/index.tsx): the choice the language switch stored, else the browser's language (not
 * `<html lang>`, which says "en" until the person first switches).
 */
export function uiLanguage(): Language {
  const stored = localStorage.getItem("x8.language");
  if (stored === "en" || stored === "ru") return stored;
  return (navigator.language || "").toLowerCase().startsWith("ru") ? "ru" : "en";
}

/** The client's own words (for when the server said nothing), in the dashboard's language. */
function say(key: keyof typeof words.en): string {
  return words[uiLanguage()][key];
}

/** What a call that never reached the server throws. */
export function networkError(): ApiError {
  return { status: 0, type: "NetworkError", message: say("errors.network"), fields: {} };
}

// One refresh at a time, shared by every request that hit a 401 while it runs.
let refreshing: Promise<boolean> | null = null;

async function refreshTokens(): Promise<boolean> {
  const tokens = getTokens();
  if (!tokens) return false;
  const response = await fetch("/api/v1/auth/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: tokens.refresh_token }),
  });
  if (!response.ok) {
    setTokens(null);
    return false;
  }
  const next = (await response.json()) as { access_token: string; refresh_token: string };
  setTokens({ access_token: next.access_token, refresh_token: next.refresh_token });
  return true;
}

// fetch() consumes a request's body, so the copy that is sent again after a refresh is taken before it goes out.
const resendable = new WeakMap<Request, Request>();

// Calls whose 401 is the answer itself (wrong password, a spent refresh token), not an expired access token: they
// are never refreshed and sent again. Every other call, /auth/me included, gets one refresh and one retry.
const NO_REFRESH = ["/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout"];

function refreshable(url: string): boolean {
  const path = new URL(url, window.location.origin).pathname;
  return !NO_REFRESH.includes(path);
}

// The server says its errors, validation messages and emails in the language asked for.
const language: Middleware = {
  async onRequest({ request }) {
    request.headers.set("Accept-Language", uiLanguage());
    return request;
  },
};

const auth: Middleware = {
  async onRequest({ request }) {
    const tokens = getTokens();
    if (tokens && !request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${tokens.access_token}`);
    }
    if (tokens && refreshable(request.url)) resendable.set(request, request.clone());
    return request;
  },
  async onResponse({ request, response, options }) {
    const retry = resendable.get(request);
    resendable.delete(request);
    if (response.status !== 401 || !getTokens() || !retry) return response;
    refreshing ??= refreshTokens().finally(() => (refreshing = null));
    if (!(await refreshing)) return response;
    retry.headers.set("Authorization", `Bearer ${getTokens()?.access_token ?? ""}`);
    // The call's own fetch (formFetch for uploads), called unbound: window.fetch refuses another `this`.
    const send = options.fetch;
    return send(retry);
  },
  async onError({ request }) {
    resendable.delete(request);
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(language, auth);

/**
 * A fetch for one multipart call, given as the call's `fetch` option (see `multipart`). It sends `form` itself with
 * XMLHttpRequest, which reports upload progress where fetch cannot, and sends it again when the auth middleware
 * retries after a refresh. The Request's own copy of the body is never read, so a large file is not buffered.
 */
export function formFetch(form: FormData, onProgress?: (fraction: number) => void): typeof fetch {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const xhr = new XMLHttpRequest();
      xhr.open(request.method, request.url);
      // Not Content-Type: the browser writes it, with the boundary of the form it sends.
      request.headers.forEach((value, name) => {
        if (name !== "content-type") xhr.setRequestHeader(name, value);
      });
      xhr.responseType = "blob";
      if (onProgress) xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () => {
        const headers = new Headers();
        for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
          const colon = line.indexOf(":");
          if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
        }
        const body = [204, 205, 304].includes(xhr.status) ? null : (xhr.response as Blob);
        resolve(new Response(body, { status: xhr.status, statusText: xhr.statusText, headers }));
      };
      xhr.onerror = xhr.onabort = () => reject(new TypeError("Failed to fetch"));
      xhr.send(form);
    });
}

/** The options of a multipart call: `form` as its body (the schema calls a file field a string), sent by formFetch. */
export function multipart(form: FormData, onProgress?: (fraction: number) => void) {
  return { body: form as never, bodySerializer: () => form, fetch: formFetch(form, onProgress) };
}

export interface ApiError {
  status: number;
  type: string;
  message: string;
  fields: Record<string, string>;
}

interface ValidationItem {
  loc: (string | number)[];
  msg: string;
}

/** Turn any error body the API sends into one sentence plus per-field messages. */
export function toApiError(status: number, body: unknown): ApiError {
  const fields: Record<string, string> = {};
  if (body && typeof body === "object" && "detail" in body) {
    const detail = (body as { detail: unknown }).detail;
    if (typeof detail === "string") {
      const type = "error" in body ? String((body as { error: unknown }).error) : "Error";
      return { status, type, message: detail, fields };
    }
    if (Array.isArray(detail)) {
      for (const item of detail as ValidationItem[]) {
        const field = String(item.loc[item.loc.length - 1] ?? "");
        fields[field] = item.msg.replace(/^Value error, /, "");
      }
      const first = Object.values(fields)[0] ?? say("errors.checkForm");
      return { status, type: "ValidationError", message: first, fields };
    }
  }
  return { status, type: "Error", message: say(status >= 500 ? "errors.server" : "errors.requestFailed"), fields };
}

/** Unwrap an openapi-fetch result: data, or throw an ApiError. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result;
  try {
    result = await call;
  } catch {
    throw networkError();
  }
  if (result.error !== undefined || !result.response.ok) throw toApiError(result.response.status, result.error);
  return result.data as T;
}

declare module "@tanstack/react-query" {
  interface Register {
    defaultError: ApiError;
  }
}

import createClient, { type Middleware } from "openapi-fetch";

import { getTokens, setTokens } from "../auth/tokens";
import type { paths } from "./schema";

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

const auth: Middleware = {
  async onRequest({ request }) {
    const tokens = getTokens();
    if (tokens && !request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${tokens.access_token}`);
    }
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status !== 401 || !getTokens() || request.url.includes("/api/v1/auth/")) return response;
    refreshing ??= refreshTokens().finally(() => (refreshing = null));
    if (!(await refreshing)) return response;
    const retry = new Request(request);
    retry.headers.set("Authorization", `Bearer ${getTokens()?.access_token ?? ""}`);
    return fetch(retry);
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(auth);

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
      const first = Object.values(fields)[0] ?? "Please check the form.";
      return { status, type: "ValidationError", message: first, fields };
    }
  }
  return { status, type: "Error", message: status >= 500 ? "The server had a problem. Please try again." : "Request failed.", fields };
}

/** Unwrap an openapi-fetch result: data, or throw an ApiError. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result;
  try {
    result = await call;
  } catch {
    throw { status: 0, type: "NetworkError", message: "Cannot reach the server. Check your connection.", fields: {} } satisfies ApiError;
  }
  if (result.error !== undefined || !result.response.ok) throw toApiError(result.response.status, result.error);
  return result.data as T;
}

declare module "@tanstack/react-query" {
  interface Register {
    defaultError: ApiError;
  }
}

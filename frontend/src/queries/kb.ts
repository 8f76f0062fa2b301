import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, toApiError, unwrap, type ApiError } from "../api/client";
import type { components } from "../api/schema";
import { getTokens } from "../auth/tokens";

export type KnowledgeBase = components["schemas"]["KnowledgeBaseOut"];
export type KbRow = components["schemas"]["KbRowOut"];
export type KbRowPatch = components["schemas"]["KbRowPatch"];
export type UploadResult = components["schemas"]["UploadResult"];
export type RowError = components["schemas"]["RowErrorOut"];

export const kbKeys = {
  all: ["kb"] as const,
  list: (companyId: string) => [...kbKeys.all, "list", companyId] as const,
  rows: (kbId: string, q: string, offset: number) => [...kbKeys.all, "rows", kbId, q, offset] as const,
  search: (companyId: string, q: string) => [...kbKeys.all, "search", companyId, q] as const,
};

export function useKnowledgeBases(companyId: string | undefined) {
  return useQuery({
    queryKey: kbKeys.list(companyId ?? ""),
    queryFn: () => unwrap(api.GET("/api/v1/knowledge-base/list", { params: { query: { company_id: companyId ?? "" } } })),
    enabled: Boolean(companyId),
  });
}

export function useKbRows(kbId: string | undefined, q: string, offset: number, limit = 25) {
  return useQuery({
    queryKey: kbKeys.rows(kbId ?? "", q, offset),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/knowledge-base/{kb_id}", {
          params: { path: { kb_id: kbId ?? "" }, query: { q: q || undefined, offset, limit } },
        }),
      ),
    enabled: Boolean(kbId),
    placeholderData: (previous) => previous,
  });
}

export function useKbSearch(companyId: string | undefined, q: string) {
  return useQuery({
    queryKey: kbKeys.search(companyId ?? "", q),
    queryFn: () =>
      unwrap(api.GET("/api/v1/knowledge-base/search", { params: { query: { company_id: companyId ?? "", q, limit: 5 } } })),
    enabled: Boolean(companyId) && q.trim().length > 0,
  });
}

export function useUpdateRow(kbId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ rowId, body }: { rowId: string; body: KbRowPatch }) =>
      unwrap(api.PATCH("/api/v1/knowledge-base/{kb_id}/rows/{row_id}", { params: { path: { kb_id: kbId, row_id: rowId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: kbKeys.all }),
  });
}

export function useDeleteRow(kbId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (rowId: string) => {
      const { error, response } = await api.DELETE("/api/v1/knowledge-base/{kb_id}/rows/{row_id}", {
        params: { path: { kb_id: kbId, row_id: rowId } },
      });
      if (!response.ok) throw toApiError(response.status, error);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: kbKeys.all }),
  });
}

/** Upload with progress: fetch cannot report upload progress, XMLHttpRequest can. */
export function uploadCatalogue(
  form: { file: File; companyId: string; mode: "replace" | "append" },
  onProgress: (fraction: number) => void,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const body = new FormData();
    body.append("file", form.file);
    body.append("company_id", form.companyId);
    body.append("mode", form.mode);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/knowledge-base/upload-csv");
    const token = getTokens()?.access_token;
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(parsed as UploadResult);
      else reject({ ...toApiError(xhr.status, parsed), body: parsed } as ApiError & { body: unknown });
    };
    xhr.onerror = () => reject({ status: 0, type: "NetworkError", message: "Cannot reach the server.", fields: {} });
    xhr.send(body);
  });
}

/** Download a file that needs the Authorization header (so a plain link cannot fetch it). */
export async function downloadWithAuth(url: string, filename: string): Promise<void> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${getTokens()?.access_token ?? ""}` } });
  if (!response.ok) throw toApiError(response.status, await response.json().catch(() => null));
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = filename;
  link.click();
  URL.revokeObjectURL(link.href);
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, multipart, networkError, toApiError, unwrap, type ApiError } from "../api/client";
import type { components } from "../api/schema";

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

/** Upload with progress, through the API client (so an expired access token is refreshed and the upload resent). */
export async function uploadCatalogue(
  form: { file: File; companyId: string; mode: "replace" | "append" },
  onProgress: (fraction: number) => void,
): Promise<UploadResult> {
  const body = new FormData();
  body.append("file", form.file);
  body.append("company_id", form.companyId);
  body.append("mode", form.mode);
  let result;
  try {
    result = await api.POST("/api/v1/knowledge-base/upload-csv", multipart(body, onProgress));
  } catch {
    throw networkError();
  }
  const { data, error, response } = result;
  if (error !== undefined || !response.ok) {
    throw { ...toApiError(response.status, error), body: error ?? null } satisfies ApiError & { body: unknown };
  }
  return data as UploadResult;
}

/** Save a file from the API (export and templates need the Authorization header, so a plain link cannot fetch them). */
async function save(call: Promise<{ data?: Blob; error?: unknown; response: Response }>, filename: string): Promise<void> {
  const blob = await unwrap(call);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  link.click();
  URL.revokeObjectURL(link.href);
}

export function downloadExport(kbId: string, filename: string): Promise<void> {
  return save(api.GET("/api/v1/knowledge-base/{kb_id}/export", { params: { path: { kb_id: kbId } }, parseAs: "blob" }), filename);
}

export function downloadTemplate(kind: "product" | "service", filename: string): Promise<void> {
  return save(api.GET("/api/v1/knowledge-base/templates/{kind}", { params: { path: { kind } }, parseAs: "blob" }), filename);
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, toApiError, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { getTokens } from "../auth/tokens";

export type Media = components["schemas"]["MediaOut"];
export type MediaFolder = "product" | "service";

export const mediaKeys = { list: (folder: MediaFolder) => ["media", folder] as const };

export function useMedia(folder: MediaFolder) {
  return useQuery({
    queryKey: mediaKeys.list(folder),
    queryFn: () => unwrap(api.GET("/api/v1/cloudinary/media", { params: { query: { folder } } })),
  });
}

export function useUploadMedia(folder: MediaFolder) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) => {
      const body = new FormData();
      body.append("file", file);
      body.append("folder", folder);
      const response = await fetch("/api/v1/cloudinary/upload", {
        method: "POST",
        body,
        headers: { Authorization: `Bearer ${getTokens()?.access_token ?? ""}` },
      });
      const parsed: unknown = await response.json().catch(() => null);
      if (!response.ok) throw toApiError(response.status, parsed);
      return parsed as Media;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mediaKeys.list(folder) }),
  });
}

export function useDeleteMedia(folder: MediaFolder) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (publicId: string) => {
      const { error, response } = await api.DELETE("/api/v1/cloudinary/media/{public_id}", {
        params: { path: { public_id: publicId } },
      });
      if (!response.ok) throw toApiError(response.status, error);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: mediaKeys.list(folder) }),
  });
}

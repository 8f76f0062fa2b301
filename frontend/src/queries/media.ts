import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, multipart, toApiError, unwrap } from "../api/client";
import type { components } from "../api/schema";

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
      return unwrap(api.POST("/api/v1/cloudinary/upload", multipart(body)));
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

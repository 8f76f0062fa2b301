import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { integrationKeys } from "../../queries/integrations";

export type TikTokLink = components["schemas"]["LinkStats"];

const linkKeys = {
  all: [...integrationKeys.all, "tiktok-links"] as const,
  list: (channelId: string) => [...linkKeys.all, channelId] as const,
};

export function useConnectTikTok() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { company_id: string; whatsapp_channel_id: string }) =>
      unwrap(api.POST("/api/v1/integrations/tiktok/connect", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: integrationKeys.all }),
  });
}

/** The TikTok channel's links with their numbers; refreshed now and then, as clicks and leads come in. */
export function useTikTokLinks(channelId: string | undefined) {
  return useQuery({
    queryKey: linkKeys.list(channelId ?? ""),
    queryFn: () => unwrap(api.GET("/api/v1/integrations/tiktok/links", { params: { query: { channel_id: channelId ?? "" } } })),
    enabled: Boolean(channelId),
    refetchInterval: 30000,
  });
}

export function useCreateTikTokLink() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { channel_id: string; name: string; campaign?: string | null }) =>
      unwrap(api.POST("/api/v1/integrations/tiktok/links", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: linkKeys.all }),
  });
}

export function useDeactivateTikTokLink() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (linkId: string) =>
      unwrap(api.POST("/api/v1/integrations/tiktok/links/{link_id}/deactivate", { params: { path: { link_id: linkId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: linkKeys.all }),
  });
}

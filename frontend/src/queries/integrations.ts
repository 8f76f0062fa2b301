import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { companyKeys } from "./companies";
import { conversationKeys } from "./conversations";

export type ChannelInfo = components["schemas"]["ChannelInfo"];
export type AvailableChannel = components["schemas"]["AvailableChannel"];
export type ConnectForm = components["schemas"]["ConnectFormOut"];
// The connect endpoints the API describes in `available-channels`; the path comes from there, not from here.
type ConnectPath = "/api/v1/integrations/telegram/connect";

export const integrationKeys = {
  all: ["integrations"] as const,
  list: (companyId: string) => [...integrationKeys.all, "list", companyId] as const,
  available: (companyId: string) => [...integrationKeys.all, "available", companyId] as const,
};

export function useChannels(companyId: string | undefined) {
  return useQuery({
    queryKey: integrationKeys.list(companyId ?? ""),
    queryFn: () => unwrap(api.GET("/api/v1/integrations/list", { params: { query: { company_id: companyId ?? "" } } })),
    enabled: Boolean(companyId),
    // While a WhatsApp session waits for its QR to be scanned, watch for WAHA's status to arrive.
    refetchInterval: (query) => (query.state.data?.items.some((c) => c.status === "CONNECTING") ? 3000 : false),
  });
}

export function useQr(qrPath: string | null | undefined, channelId: string | undefined) {
  return useQuery({
    queryKey: [...integrationKeys.all, "qr", qrPath ?? "", channelId ?? ""] as const,
    queryFn: () =>
      unwrap(api.GET(qrPath as "/api/v1/integrations/whatsapp/qr", { params: { query: { channel_id: channelId ?? "" } } })),
    enabled: Boolean(qrPath && channelId),
    refetchInterval: 20000, // WhatsApp replaces the code about every 20 seconds
  });
}

/** Connect a platform as its `connect` description says: POST `company_id` and the form's fields to its path. */
export function useConnect(form: ConnectForm) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: Record<string, string>) => {
      if (!form.path) throw new Error("This channel cannot be connected yet.");
      // Each platform's body is checked by its endpoint; the dashboard sends what the description lists.
      return unwrap(api.POST(form.path as ConnectPath, { body: body as never }));
    },
    onSuccess: invalidate,
  });
}

/** What the plan and this server allow, per platform; for a company (what it chose), or, with no company, for the
 * company wizard before the company exists. */
export function useAvailableChannels(companyId: string | undefined) {
  return useQuery({
    queryKey: integrationKeys.available(companyId ?? ""),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/integrations/available-channels", {
          params: { query: companyId ? { company_id: companyId } : {} },
        }),
      ),
  });
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: integrationKeys.all });
    void queryClient.invalidateQueries({ queryKey: companyKeys.all });
  };
}

export function useConnectWeb() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (companyId: string) => unwrap(api.POST("/api/v1/integrations/web/connect", { body: { company_id: companyId } })),
    onSuccess: invalidate,
  });
}

export function useDisconnect() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (channelId: string) =>
      unwrap(api.POST("/api/v1/integrations/disconnect/{channel_id}", { params: { path: { channel_id: channelId } } })),
    onSuccess: invalidate,
  });
}

export function useSendToPlayground() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ channelId, text, messageId }: { channelId: string; text: string; messageId: string }) =>
      unwrap(
        api.POST("/api/v1/webhooks/web/{channel_id}", {
          params: { path: { channel_id: channelId } },
          body: { text, message_id: messageId },
        }),
      ),
    onSuccess: (result) => queryClient.invalidateQueries({ queryKey: conversationKeys.messages(result.conversation_id) }),
  });
}

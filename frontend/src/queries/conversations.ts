import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { getTokens, onTokensChange } from "../auth/tokens";

export type Conversation = components["schemas"]["ConversationOut"];
export type Message = components["schemas"]["ConversationMessage"];

export interface ConversationFilters {
  channel?: string;
  status?: "open" | "closed" | "paused" | "unread";
  q?: string;
  lead_source?: string;
}

/** A fallback refresh (ms) for when the live stream is down; normally ``useInboxEvents`` refreshes at once. */
export const LIVE_INTERVAL = 15000;

export const conversationKeys = {
  all: ["conversations"] as const,
  list: (companyId: string, filters: ConversationFilters) => [...conversationKeys.all, "list", companyId, filters] as const,
  detail: (id: string) => [...conversationKeys.all, "detail", id] as const,
  messages: (id: string) => [...conversationKeys.all, "messages", id] as const,
};

export function useConversations(companyId: string | undefined, filters: ConversationFilters) {
  return useQuery({
    queryKey: conversationKeys.list(companyId ?? "", filters),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/conversations", {
          params: {
            query: {
              company_id: companyId ?? "",
              channel: filters.channel || undefined,
              status: filters.status,
              q: filters.q?.trim() || undefined,
              lead_source: filters.lead_source || undefined,
              limit: 100,
            },
          },
        }),
      ),
    enabled: Boolean(companyId),
    refetchInterval: LIVE_INTERVAL,
    placeholderData: (previous) => previous,
  });
}

export function useConversation(id: string | undefined) {
  return useQuery({
    queryKey: conversationKeys.detail(id ?? ""),
    queryFn: () => unwrap(api.GET("/api/v1/conversations/{conversation_id}", { params: { path: { conversation_id: id ?? "" } } })),
    enabled: Boolean(id),
    refetchInterval: LIVE_INTERVAL,
  });
}

export function useMessages(id: string | undefined) {
  return useQuery({
    queryKey: conversationKeys.messages(id ?? ""),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/conversations/{conversation_id}/messages", {
          params: { path: { conversation_id: id ?? "" }, query: { limit: 100 } },
        }),
      ),
    enabled: Boolean(id),
    refetchInterval: LIVE_INTERVAL,
  });
}

export function useHumanReply(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (text: string) =>
      unwrap(api.POST("/api/v1/conversations/{conversation_id}/messages", { params: { path: { conversation_id: id } }, body: { text } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: conversationKeys.all }),
  });
}

/** After a change to one conversation: show its new state at once, and refresh the lists it appears in. */
function useConversationChanged() {
  const queryClient = useQueryClient();
  return (conversation: Conversation) => {
    queryClient.setQueryData(conversationKeys.detail(conversation.id), conversation);
    return queryClient.invalidateQueries({ queryKey: [...conversationKeys.all, "list"] });
  };
}

/** Stop the assistant answering this conversation: for ``minutes``, or the server's default (X8_HUMAN_PAUSE_MINUTES). */
export function usePauseBot(id: string) {
  const changed = useConversationChanged();
  return useMutation({
    mutationFn: (minutes?: number) =>
      unwrap(
        api.POST("/api/v1/conversations/{conversation_id}/pause-bot", {
          params: { path: { conversation_id: id } },
          body: minutes === undefined ? {} : { minutes },
        }),
      ),
    onSuccess: changed,
  });
}

export function useResumeBot(id: string) {
  const changed = useConversationChanged();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/conversations/{conversation_id}/resume-bot", { params: { path: { conversation_id: id } } })),
    onSuccess: changed,
  });
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/api/v1/conversations/{conversation_id}/read", { params: { path: { conversation_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...conversationKeys.all, "list"] }),
  });
}

/** Live updates: a Server-Sent-Events stream of "this conversation changed"; each event refreshes the inbox.
 * EventSource cannot send headers: each (re)connection first gets a short-lived stream ticket for this company
 * (never the access token in a URL); the stream is reopened when the tokens rotate, and 5 s after an error. */
export function useInboxEvents(companyId: string | undefined) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!companyId) return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const reopenLater = () => {
      source?.close();
      clearTimeout(retry);
      retry = setTimeout(() => void open(), 5000);
    };
    // A fresh short-lived ticket for every (re)connection: the access token never goes into a URL.
    let generation = 0;
    const open = async () => {
      const mine = ++generation;
      source?.close();
      if (!getTokens()?.access_token) return;
      const { data } = await api.POST("/api/v1/conversations/events/ticket", { body: { company_id: companyId } });
      if (stopped || mine !== generation) return; // unmounted, or a newer open() is under way
      if (!data) {
        reopenLater();
        return;
      }
      const params = new URLSearchParams({ company_id: companyId, ticket: data.ticket });
      source = new EventSource(`/api/v1/conversations/events?${params.toString()}`);
      source.addEventListener("conversation", () => {
        void queryClient.invalidateQueries({ queryKey: conversationKeys.all });
      });
      source.onerror = reopenLater;
    };
    void open();
    const stop = onTokensChange(() => void open());
    return () => {
      stopped = true;
      stop();
      clearTimeout(retry);
      source?.close();
    };
  }, [companyId, queryClient]);
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { api, networkError, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { getTokens, onTokensChange } from "../auth/tokens";
import { availabilityError, type AvailabilityError } from "./booking";

export type ChatMessage = components["schemas"]["ChatMessageOut"];
export type ChatThread = components["schemas"]["ChatThread"];
export type SupportContact = components["schemas"]["SupportContact"];
export type FaqAnswer = components["schemas"]["FaqAnswer"];
export type ManagerAvailability = components["schemas"]["ManagerAvailability"];
export type SetupCall = components["schemas"]["SetupCallOut"];
export type CallSlot = components["schemas"]["SlotOut"];

/** A fallback refresh (ms) for when the live stream is down; normally ``useSupportEvents`` refreshes at once. */
const FALLBACK_INTERVAL = 30000;
const PAGE = 100;

export const supportKeys = {
  all: ["support"] as const,
  chat: (clientId: string | undefined) => [...supportKeys.all, "chat", clientId ?? "me"] as const,
  unread: () => [...supportKeys.all, "unread"] as const,
  threads: (q: string) => [...supportKeys.all, "threads", q] as const,
  contact: () => [...supportKeys.all, "contact"] as const,
  availability: () => [...supportKeys.all, "availability"] as const,
  slots: (from: string, to: string) => [...supportKeys.all, "slots", from, to] as const,
  calls: () => [...supportKeys.all, "calls"] as const,
};

/** A thread's newest messages (oldest first): the business's own (no client id), or a business's for staff. */
export function useChat(clientId: string | undefined, enabled = true) {
  return useQuery({
    queryKey: supportKeys.chat(clientId),
    queryFn: () => unwrap(api.GET("/api/v1/support/chat", { params: { query: { client_id: clientId, limit: PAGE } } })),
    refetchInterval: FALLBACK_INTERVAL,
    retry: false, // a thread one may not open is a 404 to show, not to retry
    enabled,
  });
}

export function useSendChat(clientId: string | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (text: string) => unwrap(api.POST("/api/v1/support/chat", { body: { client_id: clientId, text } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: supportKeys.all }),
  });
}

export function useMarkChatRead(clientId: string | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/support/chat/read", { body: { client_id: clientId } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: supportKeys.unread() });
      void queryClient.invalidateQueries({ queryKey: [...supportKeys.all, "threads"] });
    },
  });
}

/** Unread support messages, for the navigation's badge. */
export function useSupportUnread(enabled: boolean) {
  return useQuery({
    queryKey: supportKeys.unread(),
    queryFn: () => unwrap(api.GET("/api/v1/support/chat/unread")),
    refetchInterval: FALLBACK_INTERVAL,
    enabled,
  });
}

export function useChatThreads(q: string, enabled: boolean) {
  return useQuery({
    queryKey: supportKeys.threads(q),
    queryFn: () => unwrap(api.GET("/api/v1/support/chats", { params: { query: { q: q || undefined, limit: PAGE } } })),
    enabled,
  });
}

export function useSupportContact(enabled: boolean) {
  return useQuery({
    queryKey: supportKeys.contact(),
    queryFn: () => unwrap(api.GET("/api/v1/support/chat/contact")),
    enabled,
  });
}

export function useAskFaq() {
  return useMutation({
    mutationFn: (message: string) => unwrap(api.POST("/api/v1/support/ai-faq/chat", { body: { message } })),
  });
}

export function useManagerAvailability(enabled: boolean) {
  return useQuery({
    queryKey: supportKeys.availability(),
    queryFn: () => unwrap(api.GET("/api/v1/managers/me/availability")),
    enabled,
  });
}

/** Publish the manager's hours; a 422 keeps each message at its place in the body ("weekly.2.end"), as the
 * Calendar page's availability form does. */
export function useSaveManagerAvailability() {
  const queryClient = useQueryClient();
  return useMutation<ManagerAvailability, AvailabilityError, ManagerAvailability>({
    mutationFn: async (body) => {
      const result = await api.PUT("/api/v1/managers/me/availability", { body }).catch(() => null);
      if (!result) throw { ...networkError(), paths: {} };
      if (!result.response.ok || result.data === undefined) throw availabilityError(result.response.status, result.error);
      return result.data;
    },
    onSuccess: (saved) => queryClient.setQueryData(supportKeys.availability(), saved),
  });
}

/** The business's manager's free call slots between two days (YYYY-MM-DD, both included). */
export function useCallSlots(from: string, to: string, enabled: boolean) {
  return useQuery({
    queryKey: supportKeys.slots(from, to),
    queryFn: () => unwrap(api.GET("/api/v1/support/setup-call/slots", { params: { query: { from, to } } })),
    enabled,
    retry: false,
  });
}

export function useBookCall() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { start: string; topic: string }) => unwrap(api.POST("/api/v1/support/setup-call", { body })),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: supportKeys.calls() });
      void queryClient.invalidateQueries({ queryKey: [...supportKeys.all, "slots"] });
    },
  });
}

export function useCancelCall() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (callId: string) =>
      unwrap(api.DELETE("/api/v1/support/setup-calls/{call_id}", { params: { path: { call_id: callId } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: supportKeys.all }),
  });
}

export function useSetupCalls() {
  return useQuery({
    queryKey: supportKeys.calls(),
    queryFn: () => unwrap(api.GET("/api/v1/support/setup-calls", { params: { query: { limit: PAGE } } })),
  });
}

/** Live support chat: a Server-Sent-Events stream of "this thread changed"; each event refreshes the chat, the
 * threads and the unread badge. Like the inbox's stream, each (re)connection first gets a one-minute ticket (the
 * access token never goes into a URL), the stream is reopened when the tokens rotate, and 5 s after an error. */
export function useSupportEvents(enabled: boolean) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let generation = 0;
    const reopenLater = () => {
      source?.close();
      clearTimeout(retry);
      retry = setTimeout(() => void open(), 5000);
    };
    const open = async () => {
      const mine = ++generation;
      source?.close();
      if (!getTokens()?.access_token) return;
      const { data } = await api.POST("/api/v1/support/chat/events/ticket").catch(() => ({ data: undefined }));
      if (stopped || mine !== generation) return;
      if (!data) {
        reopenLater();
        return;
      }
      source = new EventSource(`/api/v1/support/chat/events?${new URLSearchParams({ ticket: data.ticket }).toString()}`);
      source.addEventListener("support", () => {
        void queryClient.invalidateQueries({ queryKey: [...supportKeys.all, "chat"] });
        void queryClient.invalidateQueries({ queryKey: [...supportKeys.all, "threads"] });
        void queryClient.invalidateQueries({ queryKey: supportKeys.unread() });
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
  }, [enabled, queryClient]);
}

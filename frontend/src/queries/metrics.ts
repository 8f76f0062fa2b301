import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";

export type MessagesPerDay = components["schemas"]["MessagesPerDay"];
export type CompanyMessagesPerDay = components["schemas"]["CompanyMessagesPerDay"];

export const metricsKeys = {
  all: ["metrics"] as const,
  messagesPerDay: (days: number) => [...metricsKeys.all, "messages-per-day", days] as const,
};

/** Messages in and out per day for every company the signed-in person may see, the last `days` days (1 to 90). */
export function useMessagesPerDay(days: number) {
  return useQuery({
    queryKey: metricsKeys.messagesPerDay(days),
    queryFn: () => unwrap(api.GET("/api/v1/metrics/messages-per-day", { params: { query: { days } } })),
    staleTime: 30_000,
    refetchInterval: 60_000, // a new conversation shows up within a minute while the dashboard stays open
  });
}

/** A manager's figures over the businesses assigned to them (how many, their companies). Managers only. */
export function useManagerStats(enabled: boolean) {
  return useQuery({
    queryKey: [...metricsKeys.all, "manager-stats"] as const,
    queryFn: () => unwrap(api.GET("/api/v1/managers/stats")),
    enabled,
  });
}

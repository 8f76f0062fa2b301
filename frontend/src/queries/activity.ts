import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";

export type ActivityItem = components["schemas"]["ActivityItem"];
export type ActivityStatus = ActivityItem["status"];

export const ACTIVITY_STATUSES: readonly ActivityStatus[] = ["error", "pending", "ok"];
export const ACTIVITY_KINDS = [
  "n8n_provisioning",
  "n8n_deprovisioning",
  "n8n_handover",
  "webhook_registration",
  "session_start",
  "send_failed",
  "calendar_write",
  "mail_sync",
  "mail_watch",
  "mail_login",
  "mail_smtp_login",
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** No company: every company the signed-in person may see. */
export interface ActivityFilters {
  company?: string;
  status?: ActivityStatus;
  kind?: ActivityKind;
}

const PAGE_SIZE = 50;

export const activityKeys = {
  all: ["activity"] as const,
  list: (filters: ActivityFilters) => [...activityKeys.all, "list", filters] as const,
};

/** The log, newest first, a page at a time; watched while something is being retried. */
export function useActivity(filters: ActivityFilters, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: activityKeys.list(filters),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/v1/activity", {
          params: {
            query: {
              company_id: filters.company || undefined,
              status: filters.status || undefined,
              kind: filters.kind || undefined,
              limit: PAGE_SIZE,
              offset: pageParam,
            },
          },
        }),
      ),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((sum, page) => sum + page.items.length, 0);
      return loaded < last.total && last.items.length > 0 ? loaded : undefined;
    },
    enabled,
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some((item) => item.status === "pending")) ? 3000 : false,
  });
}

export function useRetryActivity() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (entryId: string) =>
      unwrap(api.POST("/api/v1/activity/{entry_id}/retry", { params: { path: { entry_id: entryId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: activityKeys.all }),
  });
}

import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";

export type Overview = components["schemas"]["Overview"];
export type Figures = components["schemas"]["Figures"];
export type Granularity = "day" | "week" | "month";

export interface OverviewParams {
  company_id?: string;
  channel?: string;
  from?: string;
  to?: string;
  granularity?: Granularity;
}

/** The metrics overview (GET /api/v1/metrics/overview) for the given filters; refreshed every minute while shown. */
export function useOverview(params: OverviewParams, enabled = true) {
  return useQuery({
    queryKey: ["metrics", "overview", params] as const,
    queryFn: () => unwrap(api.GET("/api/v1/metrics/overview", { params: { query: params } })),
    staleTime: 30_000,
    refetchInterval: 60_000,
    enabled,
  });
}

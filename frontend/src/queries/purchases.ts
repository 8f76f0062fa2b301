import { useInfiniteQuery } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";

export type Purchase = components["schemas"]["Purchase"];
export type PurchaseItem = components["schemas"]["PurchaseItem"];
export type PurchaseStatus = Purchase["status"];

export const PURCHASE_STATUSES: readonly PurchaseStatus[] = ["paid", "pending", "failed", "expired", "refunded"];

/** The purchase log's filters, as the API takes them: `from`/`to` are days (YYYY-MM-DD, in each company's time
 * zone, `to` included). No company: every company the signed-in person may see. */
export interface PurchaseFilters {
  company?: string;
  status?: PurchaseStatus;
  from?: string;
  to?: string;
  source?: string; // the customer's lead source: tiktok, meta_ads, or none (no known source)
}

export const LEAD_SOURCES = ["tiktok", "meta_ads", "none"] as const;

export const PAGE_SIZE = 50;

export const purchaseKeys = {
  all: ["purchases"] as const,
  list: (filters: PurchaseFilters) => [...purchaseKeys.all, "list", filters] as const,
};

function query(filters: PurchaseFilters) {
  return {
    company_id: filters.company || undefined,
    status: filters.status || undefined,
    from: filters.from || undefined,
    to: filters.to || undefined,
    lead_source: filters.source || undefined,
  };
}

/** The log, newest first, a page at a time. Refreshed when the tab comes back into view (a customer may have just
 * paid in the sandbox tab). */
export function usePurchases(filters: PurchaseFilters, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: purchaseKeys.list(filters),
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/api/v1/purchases", { params: { query: { ...query(filters), limit: PAGE_SIZE, offset: pageParam } } })),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((sum, page) => sum + page.items.length, 0);
      return loaded < last.total && last.items.length > 0 ? loaded : undefined;
    },
    enabled,
    refetchOnWindowFocus: true,
  });
}

/** The filtered log as CSV, through the API client (the export needs the Authorization header, so a plain link
 * cannot fetch it). */
export async function downloadPurchasesCsv(filters: PurchaseFilters, filename: string): Promise<void> {
  const blob = await unwrap(api.GET("/api/v1/purchases/export", { params: { query: query(filters) }, parseAs: "blob" }));
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  link.click();
  URL.revokeObjectURL(link.href);
}

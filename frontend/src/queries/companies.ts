import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, toApiError, unwrap } from "../api/client";
import type { components } from "../api/schema";

export type Company = components["schemas"]["CompanyOut"];
export type CompanyCreate = components["schemas"]["CompanyCreate"];
export type CompanyUpdate = components["schemas"]["CompanyUpdate"];
export type CompanyStats = components["schemas"]["CompanyStats"];
export type ChannelPlatform = components["schemas"]["ChannelPlatform"];
/** A channel a company can choose (every platform but the always-there web playground). */
export type SelectableChannel = components["schemas"]["SelectableChannel"];
/** An IANA time zone name the server knows. */
export type TimeZone = components["schemas"]["TimeZone"];

export const companyKeys = {
  all: ["companies"] as const,
  list: () => [...companyKeys.all, "list"] as const,
  detail: (id: string) => [...companyKeys.all, "detail", id] as const,
  stats: (id: string) => [...companyKeys.all, "stats", id] as const,
};

export function useCompanies() {
  return useQuery({
    queryKey: companyKeys.list(),
    queryFn: () => unwrap(api.GET("/api/v1/companies/", { params: { query: { limit: 200 } } })),
  });
}

export function useCompany(id: string | undefined) {
  return useQuery({
    queryKey: companyKeys.detail(id ?? ""),
    queryFn: () => unwrap(api.GET("/api/v1/companies/{company_id}", { params: { path: { company_id: id ?? "" } } })),
    enabled: Boolean(id),
  });
}

export function useCompanyStats(id: string) {
  return useQuery({
    queryKey: companyKeys.stats(id),
    queryFn: () => unwrap(api.GET("/api/v1/companies/{company_id}/stats", { params: { path: { company_id: id } } })),
  });
}

export function useCreateCompany() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CompanyCreate) => unwrap(api.POST("/api/v1/companies/", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: companyKeys.all }),
  });
}

export function useUpdateCompany(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CompanyUpdate) =>
      unwrap(api.PATCH("/api/v1/companies/{company_id}", { params: { path: { company_id: id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: companyKeys.all }),
  });
}

export function useDeleteCompany() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      const { error, response } = await api.DELETE("/api/v1/companies/{company_id}", {
        params: { path: { company_id: id } },
      });
      if (!response.ok) throw toApiError(response.status, error);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: companyKeys.all }),
  });
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";

export type Behaviour = components["schemas"]["BehaviourIn"];

const keys = { behaviour: (companyId: string) => ["assistant", companyId] as const };

export function useBehaviour(companyId: string | undefined) {
  return useQuery({
    queryKey: keys.behaviour(companyId ?? ""),
    queryFn: () => unwrap(api.GET("/api/v1/companies/{company_id}/assistant", { params: { path: { company_id: companyId ?? "" } } })),
    enabled: Boolean(companyId),
  });
}

export function useSaveBehaviour(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Behaviour) =>
      unwrap(api.PUT("/api/v1/companies/{company_id}/assistant", { params: { path: { company_id: companyId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.behaviour(companyId) }),
  });
}

export function usePreview(companyId: string) {
  return useMutation({
    mutationFn: (body: { text: string; draft: Behaviour }) =>
      unwrap(api.POST("/api/v1/companies/{company_id}/assistant/preview", { params: { path: { company_id: companyId } }, body })),
  });
}

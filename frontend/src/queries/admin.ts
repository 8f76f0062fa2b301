import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { components, operations } from "../api/schema";

export type PlatformStats = components["schemas"]["PlatformStats"];
export type Client = components["schemas"]["ClientOut"];
export type Manager = components["schemas"]["ManagerOut"];
export type ClientLimits = components["schemas"]["ClientLimitsIn"];
export type MetaApp = components["schemas"]["MetaAppOut"];
export type MetaAppCreate = components["schemas"]["MetaAppCreate"];
export type MetaAppUpdate = components["schemas"]["MetaAppUpdate"];
export type ClientFilters = NonNullable<operations["list_clients_api_v1_admin_clients_get"]["parameters"]["query"]>;

export const adminKeys = {
  all: ["admin"] as const,
  stats: () => [...adminKeys.all, "stats"] as const,
  clients: (filters: ClientFilters) => [...adminKeys.all, "clients", filters] as const,
  managers: () => [...adminKeys.all, "managers"] as const,
  metaApps: () => [...adminKeys.all, "meta-apps"] as const,
};

export const managerKeys = {
  all: ["manager"] as const,
  clients: (q: string, offset: number) => [...managerKeys.all, "clients", q, offset] as const,
  stats: () => [...managerKeys.all, "stats"] as const,
};

export function usePlatformStats() {
  return useQuery({ queryKey: adminKeys.stats(), queryFn: () => unwrap(api.GET("/api/v1/admin/stats")) });
}

export function useAdminClients(filters: ClientFilters) {
  return useQuery({
    queryKey: adminKeys.clients(filters),
    queryFn: () => unwrap(api.GET("/api/v1/admin/clients", { params: { query: filters } })),
    placeholderData: keepPreviousData, // the table keeps its rows while the next filter loads
  });
}

export function useManagers() {
  return useQuery({
    queryKey: adminKeys.managers(),
    queryFn: () => unwrap(api.GET("/api/v1/admin/managers", { params: { query: { limit: 200 } } })),
  });
}

export function useCreateManager() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: components["schemas"]["StaffCreate"]) => unwrap(api.POST("/api/v1/admin/managers", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.all }),
  });
}

/** Assign a business to a manager (moving it from another one), or with `managerId` null take its manager away. */
export function useAssignManager() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ clientId, managerId }: { clientId: string; managerId: string | null }) =>
      managerId
        ? unwrap(
            api.POST("/api/v1/admin/assignments", {
              body: { client_id: clientId, manager_id: managerId, reassign: true },
            }),
          )
        : unwrap(api.DELETE("/api/v1/admin/assignments/{client_id}", { params: { path: { client_id: clientId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.all }),
  });
}

export function useOverrideClient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ clientId, body }: { clientId: string; body: ClientLimits }) =>
      unwrap(api.PATCH("/api/v1/admin/clients/{client_id}", { params: { path: { client_id: clientId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.all }),
  });
}

export function useMetaApps() {
  return useQuery({ queryKey: adminKeys.metaApps(), queryFn: () => unwrap(api.GET("/api/v1/admin/meta-apps")) });
}

export function useAddMetaApp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: MetaAppCreate) => unwrap(api.POST("/api/v1/admin/meta-apps", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.metaApps() }),
  });
}

export function useEditMetaApp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: MetaAppUpdate }) =>
      unwrap(api.PATCH("/api/v1/admin/meta-apps/{app_id}", { params: { path: { app_id: id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.metaApps() }),
  });
}

export function useDeleteMetaApp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/api/v1/admin/meta-apps/{app_id}", { params: { path: { app_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.metaApps() }),
  });
}

export function useManagerClients(q: string, offset: number, limit: number) {
  return useQuery({
    queryKey: managerKeys.clients(q, offset),
    queryFn: () =>
      unwrap(api.GET("/api/v1/managers/clients", { params: { query: { q: q || undefined, offset, limit } } })),
    placeholderData: keepPreviousData,
  });
}

export function useMyManagerStats() {
  return useQuery({ queryKey: managerKeys.stats(), queryFn: () => unwrap(api.GET("/api/v1/managers/stats")) });
}

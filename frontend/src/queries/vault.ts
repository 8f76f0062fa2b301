import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";

export type VaultSecret = components["schemas"]["SecretOut"];
export type VaultAuditEntry = components["schemas"]["AuditItem"];
export type SecretKind = components["schemas"]["SecretKind"];

const PAGE = 200;

export const vaultKeys = {
  all: ["vault"] as const,
  secrets: (clientId: string | undefined) => [...vaultKeys.all, "secrets", clientId ?? "all"] as const,
  audit: (clientId: string | undefined) => [...vaultKeys.all, "audit", clientId ?? "all"] as const,
};

/** The secrets the caller may see, masked; a manager or admin may narrow them to one business. */
export function useVaultSecrets(clientId: string | undefined) {
  return useQuery({
    queryKey: vaultKeys.secrets(clientId),
    queryFn: () =>
      unwrap(api.GET("/api/v1/vault/secrets", { params: { query: { client_id: clientId, limit: PAGE } } })),
    retry: false, // another manager's business is a 404 to show, not to retry
  });
}

export function useVaultAudit(clientId: string | undefined) {
  return useQuery({
    queryKey: vaultKeys.audit(clientId),
    queryFn: () => unwrap(api.GET("/api/v1/vault/audit", { params: { query: { client_id: clientId, limit: 50 } } })),
    retry: false,
  });
}

/** The value itself; the server writes the reveal to the audit log, so the log is read again. The value is never
 * cached: it lives only in the dialog that asked for it. */
export function useRevealSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (secretId: string) =>
      unwrap(api.POST("/api/v1/vault/secrets/{secret_id}/reveal", { params: { path: { secret_id: secretId } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: [...vaultKeys.all, "audit"] }),
  });
}

export function useUpdateSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ secretId, value, label }: { secretId: string; value: string; label: string | undefined }) =>
      unwrap(
        api.PUT("/api/v1/vault/secrets/{secret_id}", { params: { path: { secret_id: secretId } }, body: { value, label } }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: vaultKeys.all }),
  });
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { getTokens, setTokens } from "../auth/tokens";

export type DeletionStatus = components["schemas"]["DeletionStatusOut"];

/** Ask for the account's deletion. The server has ended the session by then; the status page forgets it here
 * (``useForgetSession``), once the signed-in pages are gone, so their guard does not send the person to sign in. */
export function useDeleteAccount() {
  return useMutation({
    mutationFn: (body: { password?: string; code?: string }) => unwrap(api.DELETE("/api/v1/users/me", { body })),
  });
}

export function useForgetSession() {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (getTokens()) {
      setTokens(null);
      queryClient.clear();
    }
  }, [queryClient]);
}

/** The code that confirms the deletion, for an account without a password: sent to the account's own address. */
export function useSendDeletionCode() {
  return useMutation({
    mutationFn: (email: string) => unwrap(api.POST("/api/v1/auth/send-verification-code", { body: { email } })),
  });
}

/** The deletion's steps, polled until it is over; needs no sign-in. */
export function useDeletionStatus(jobId: string) {
  return useQuery({
    queryKey: ["deletion", jobId],
    queryFn: () =>
      unwrap(api.GET("/api/v1/users/me/deletion/{job_id}", { params: { path: { job_id: jobId } } })),
    refetchInterval: (query) => (query.state.data?.status === "running" || query.state.error ? 2000 : false),
    retry: false,
  });
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";

export type ConnectStatus = components["schemas"]["ConnectStatusOut"];

export const paymentKeys = {
  all: ["payments"] as const,
  connect: () => [...paymentKeys.all, "connect"] as const,
};

/** The business's Stripe Connect account. Asked again when the tab comes back into view: onboarding happens at
 * Stripe, in this tab or another, and the server asks Stripe about an account that is not enabled yet. */
export function useConnectStatus(enabled: boolean) {
  return useQuery({
    queryKey: paymentKeys.connect(),
    queryFn: () => unwrap(api.GET("/api/v1/payments/connect/status")),
    enabled,
    refetchOnWindowFocus: true,
  });
}

/** A fresh onboarding link (single use, valid for minutes) for the business's account; the caller goes there. */
export function useOnboard() {
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/payments/connect/onboard")),
  });
}

export function useDisconnectStripe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/payments/connect/disconnect")),
    onSuccess: (status) => queryClient.setQueryData(paymentKeys.connect(), status),
  });
}

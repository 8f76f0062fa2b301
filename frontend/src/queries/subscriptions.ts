import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, networkError, toApiError, unwrap, type ApiError } from "../api/client";
import type { components } from "../api/schema";
import { authKeys } from "./auth";

export type PlanInfo = components["schemas"]["PlanOut"];
export type ActivePlan = components["schemas"]["ActiveOut"];
export type BillingHistory = components["schemas"]["BillingHistory"];
export type Invoice = components["schemas"]["InvoiceOut"];
export type ChannelRef = components["schemas"]["ChannelRef"];
export type PurchasablePlan = components["schemas"]["PurchasablePlan"];

/** A plan change the server refused because the new plan has room for fewer channels than are in use. */
export interface TooManyChannels extends ApiError {
  type: "TooManyChannels";
  channels: ChannelRef[];
}

export function isTooManyChannels(error: unknown): error is TooManyChannels {
  return (error as Partial<TooManyChannels> | null)?.type === "TooManyChannels";
}

export const subscriptionKeys = {
  all: ["subscriptions"] as const,
  plans: () => [...subscriptionKeys.all, "plans"] as const,
  active: () => [...subscriptionKeys.all, "active"] as const,
  history: () => [...subscriptionKeys.all, "history"] as const,
};

export function usePlans(enabled: boolean) {
  return useQuery({
    queryKey: subscriptionKeys.plans(),
    queryFn: () => unwrap(api.GET("/api/v1/subscriptions/plans")),
    enabled,
    staleTime: 10 * 60_000,
  });
}

/** A subscription is running: what a return from Checkout waits for (a business coming back to subscribe again
 * still has its ended subscription until then). */
export function planStarted(active: ActivePlan | undefined): boolean {
  return Boolean(active?.subscription_id) && (active?.status === "active" || active?.status === "trialing");
}

/** The business's plan as it stands now. `waitingForCheckout`: the business is back from Stripe Checkout and the
 * webhook that starts the plan may not have arrived yet, so ask again every few seconds meanwhile. */
export function useActivePlan(enabled: boolean, waitingForCheckout = false) {
  return useQuery({
    queryKey: subscriptionKeys.active(),
    queryFn: () => unwrap(api.GET("/api/v1/subscriptions/active")),
    enabled,
    refetchOnWindowFocus: true,
    refetchInterval: (query) => (waitingForCheckout && !planStarted(query.state.data) ? 3_000 : false),
  });
}

export function useBillingHistory(enabled: boolean) {
  return useQuery({
    queryKey: subscriptionKeys.history(),
    queryFn: () => unwrap(api.GET("/api/v1/subscriptions/", { params: { query: { limit: 24 } } })),
    enabled,
  });
}

/** A Checkout Session for the plan; the caller sends the business there. */
export function useCheckout() {
  return useMutation({
    mutationFn: (plan: PurchasablePlan) =>
      unwrap(api.POST("/api/v1/subscriptions/create-session", { body: { plan } })),
  });
}

/** Back from Stripe Checkout: the server asks Stripe how the session went and, once it is paid, starts the plan
 * at once (the webhook may come later, or on a self-hosted server not at all). Answers the plan as it now stands. */
export function useConfirmCheckout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) =>
      unwrap(api.POST("/api/v1/subscriptions/checkout/confirm", { body: { session_id: sessionId } })),
    onSuccess: (active) => {
      queryClient.setQueryData(subscriptionKeys.active(), active);
      if (planStarted(active)) {
        void queryClient.invalidateQueries({ queryKey: subscriptionKeys.history() });
        void queryClient.invalidateQueries({ queryKey: authKeys.me });
      }
    },
  });
}

/** A Stripe customer portal session (card, invoices, cancelling); the caller goes there. */
export function usePortal() {
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/subscriptions/portal")),
  });
}

async function changePlan(plan: PurchasablePlan): Promise<ActivePlan> {
  let result;
  try {
    result = await api.POST("/api/v1/subscriptions/change", { body: { plan } });
  } catch {
    throw networkError();
  }
  if (result.response.ok && result.data) return result.data;
  const error = toApiError(result.response.status, result.error);
  const channels = (result.error as { channels?: ChannelRef[] } | undefined)?.channels;
  if (error.type === "TooManyChannels" && Array.isArray(channels)) throw { ...error, channels } as TooManyChannels;
  throw error;
}

/** Move the live subscription to another plan; a downgrade below the channels in use throws `TooManyChannels`. */
export function useChangePlan() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changePlan,
    onSuccess: (active) => {
      queryClient.setQueryData(subscriptionKeys.active(), active);
      void queryClient.invalidateQueries({ queryKey: subscriptionKeys.history() });
      void queryClient.invalidateQueries({ queryKey: authKeys.me });
    },
  });
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import type { TimeZone } from "./companies";
import { getTokens, setTokens } from "../auth/tokens";

export type Me = components["schemas"]["Me"];
export type TokenPair = components["schemas"]["TokenPair"];

export const authKeys = { me: ["auth", "me"] as const, providers: ["auth", "providers"] as const };

export function useMe(enabled: boolean) {
  return useQuery({
    queryKey: authKeys.me,
    queryFn: () => unwrap(api.GET("/api/v1/auth/me")),
    enabled,
    retry: false,
    staleTime: 60_000,
  });
}

export function useProviders() {
  return useQuery({
    queryKey: authKeys.providers,
    queryFn: () => unwrap(api.GET("/api/v1/oauth/providers")),
    staleTime: 300_000,
  });
}

/** Store a fresh token pair; the Me query reloads for the new account. */
export function useSignIn() {
  const queryClient = useQueryClient();
  return (tokens: TokenPair) => {
    queryClient.clear();
    setTokens({ access_token: tokens.access_token, refresh_token: tokens.refresh_token });
  };
}

export function useLogin() {
  const signIn = useSignIn();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => unwrap(api.POST("/api/v1/auth/login", { body })),
    onSuccess: signIn,
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      if (getTokens()) await api.POST("/api/v1/auth/logout").catch(() => undefined);
    },
    onSettled: () => {
      setTokens(null);
      queryClient.clear();
    },
  });
}

export function useSendCode() {
  return useMutation({
    mutationFn: (email: string) => unwrap(api.POST("/api/v1/auth/send-verification-code", { body: { email } })),
  });
}

export function useVerifyCode() {
  return useMutation({
    mutationFn: (body: { email: string; code: string }) => unwrap(api.POST("/api/v1/auth/verify-code", { body })),
  });
}

export function useCompleteRegistration() {
  const signIn = useSignIn();
  return useMutation({
    mutationFn: (body: { email: string; password: string; full_name: string; language: "en" | "ru" }) =>
      unwrap(api.POST("/api/v1/auth/complete-registration", { body })),
    onSuccess: signIn,
  });
}

export function useRequestReset() {
  return useMutation({
    mutationFn: (email: string) => unwrap(api.POST("/api/v1/auth/request-password-reset", { body: { email } })),
  });
}

export function useResetPassword() {
  return useMutation({
    mutationFn: (body: { email: string; code: string; new_password: string }) =>
      unwrap(api.POST("/api/v1/auth/reset-password", { body })),
  });
}

export function useRequestMagicLink() {
  return useMutation({
    mutationFn: (email: string) => unwrap(api.POST("/api/v1/auth/request-magic-link", { body: { email } })),
  });
}

export function useVerifyMagicLink() {
  const signIn = useSignIn();
  return useMutation({
    mutationFn: (token: string) => unwrap(api.POST("/api/v1/auth/verify-magic-link", { body: { token } })),
    onSuccess: signIn,
  });
}

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { full_name?: string; language?: "en" | "ru"; timezone?: TimeZone }) =>
      unwrap(api.PATCH("/api/v1/users/profile", { body })),
    onSuccess: (me) => queryClient.setQueryData(authKeys.me, me),
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (body: { current_password: string; new_password: string }) =>
      unwrap(api.POST("/api/v1/auth/change-password", { body })),
  });
}

import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";

/** What this server offers (the dev mailbox, which assistant answers); it changes only with a restart. */
export function useInstallation() {
  return useQuery({
    queryKey: ["installation"] as const,
    queryFn: () => unwrap(api.GET("/api/v1/installation")),
    staleTime: Infinity,
  });
}

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";

import { bookingKeys } from "../../queries/booking";

export type GoogleCalendarOutcome = "connected" | "denied" | "failed";

const OUTCOMES: readonly string[] = ["connected", "denied", "failed"] satisfies GoogleCalendarOutcome[];

function outcomeOf(value: string | null): GoogleCalendarOutcome | null {
  if (value === null) return null;
  return OUTCOMES.includes(value) ? (value as GoogleCalendarOutcome) : "failed";
}

/** The server sends the browser back from Google's consent screen to `/calendar?google_calendar=…&company_id=…`.
 * This reads that once: the outcome to show, the company it was for becomes the selected one, the calendar status is
 * read again at once, and the query is taken out of the address so a reload does not say it again. */
export function useGoogleCalendarReturn(): GoogleCalendarOutcome | null {
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const [outcome] = useState(() => outcomeOf(params.get("google_calendar")));

  useEffect(() => {
    if (!params.has("google_calendar")) return;
    void queryClient.invalidateQueries({ queryKey: [...bookingKeys.all, "calendar"] });
    const next = new URLSearchParams(params);
    const companyId = next.get("company_id");
    next.delete("google_calendar");
    next.delete("company_id");
    if (companyId) next.set("company", companyId);
    setParams(next, { replace: true });
  }, [params, setParams, queryClient]);

  return outcome;
}

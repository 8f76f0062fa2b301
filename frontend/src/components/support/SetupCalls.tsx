import { useState } from "react";

import { useI18n } from "../../i18n";
import { useMe } from "../../queries/auth";
import { useCancelCall, useSetupCalls } from "../../queries/support";
import { Button, Card, ErrorAlert, Spinner } from "../ui";
import { when } from "./text";

/** The calls booked: a business's with its manager, a manager's with their businesses (both sides see them). */
export function SetupCalls() {
  const { t, language } = useI18n();
  const me = useMe(true);
  const calls = useSetupCalls();
  const cancel = useCancelCall();
  const [now] = useState(() => Date.now()); // when the page opened: a call that has ended is not cancelled
  const business = me.data?.role === "CLIENT";
  return (
    <Card testId="setup-calls" className="space-y-3">
      <h2 className="text-lg font-semibold">{t("support.calls.yourCalls")}</h2>
      {calls.isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={calls.error ?? cancel.error} />
      {calls.data?.items.length === 0 && <p className="text-sm text-slate-500">{t("support.calls.none")}</p>}
      <ul className="divide-y divide-slate-200">
        {calls.data?.items.map((call) => (
          <li key={call.id} className="flex flex-col gap-1 py-3 sm:flex-row sm:items-center sm:justify-between" data-testid="setup-call-item">
            <div className="min-w-0">
              <div className="font-medium">
                {when(call.start, language)} <span className="font-normal text-slate-500">{t("support.calls.with", { name: business ? call.manager_name : call.client_name })}</span>
              </div>
              <div className="truncate text-sm text-slate-600">{call.topic}</div>
            </div>
            {call.status === "cancelled" ? (
              <span className="text-sm text-slate-500">{t("support.calls.cancelled")}</span>
            ) : (
              <div className="flex items-center gap-3">
                <a href={call.meeting_url} target="_blank" rel="noreferrer" className="text-sm font-semibold text-brand-700 hover:underline">
                  {t("support.calls.join")}
                </a>
                {new Date(call.end).getTime() > now && (
                  <Button variant="ghost" className="px-2 py-1" disabled={cancel.isPending} onClick={() => cancel.mutate(call.id)}>
                    {t("support.calls.cancel")}
                  </Button>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}

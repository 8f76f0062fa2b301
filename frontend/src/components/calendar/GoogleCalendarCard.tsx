import { useState } from "react";

import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { useCalendarStatus, useConnectCalendar, useDisconnectCalendar } from "../../queries/booking";
import { Alert, Button, Card, ErrorAlert, Spinner } from "../ui";
import type { GoogleCalendarOutcome } from "./useGoogleCalendarReturn";

/** Whether bookings go into the company's Google Calendar (and its busy times keep slots closed), the last failure
 * of a calendar write, and the way to connect or disconnect it. `returned` is how the last trip to Google's consent
 * screen ended, when the page was opened from it. */
export function GoogleCalendarCard({
  companyId,
  canEdit,
  returned,
}: {
  companyId: string;
  canEdit: boolean;
  returned: GoogleCalendarOutcome | null;
}) {
  const { t } = useI18n();
  const status = useCalendarStatus(companyId);
  const connect = useConnectCalendar();
  const disconnect = useDisconnectCalendar();
  const [confirming, setConfirming] = useState(false);
  const connected = status.data?.connected ?? false;
  // The trip to Google is old news once the calendar was disconnected here.
  const outcome = disconnect.isIdle ? returned : null;

  return (
    <Card testId="google-calendar">
      <div className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 className="text-lg font-semibold">{t("calendar.google.title")}</h2>
          {status.data && (
            <span
              data-testid="google-calendar-status"
              className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${connected ? "bg-emerald-100 text-emerald-800" : "bg-slate-100 text-slate-700"}`}
            >
              {t(connected ? "calendar.google.connected" : "calendar.google.notConnected")}
            </span>
          )}
        </div>
        {status.isPending && <Spinner label={t("common.loading")} />}
        <ErrorAlert error={status.error} />
        {outcome && (
          <Alert kind={outcome === "connected" ? "success" : "warning"}>{t(`calendar.google.returned.${outcome}` as MessageKey)}</Alert>
        )}
        {disconnect.isSuccess && (
          <Alert kind={disconnect.data.revoked ? "success" : "warning"}>
            {t(disconnect.data.revoked ? "calendar.google.disconnected" : "calendar.google.disconnectedNotRevoked")}
          </Alert>
        )}
        <ErrorAlert error={disconnect.error} />
        {status.data && (
          <p className="text-sm text-slate-600">
            {connected
              ? t("calendar.google.explainConnected", { calendar: status.data.calendar_id ?? t("calendar.google.primary") })
              : t("calendar.google.explain")}
          </p>
        )}
        {status.data?.last_error && (
          <Alert kind="warning">
            <p className="font-medium">{t("calendar.google.lastError")}</p>
            <p>{status.data.last_error}</p>
          </Alert>
        )}
        {connect.error && (
          <Alert kind="warning">
            <p className="font-medium">{t("calendar.google.cannotConnect")}</p>
            <p>{connect.error.message}</p>
          </Alert>
        )}
        {canEdit && status.data && !confirming && (
          <div className="flex flex-wrap gap-2">
            <Button variant={connected ? "secondary" : "primary"} disabled={connect.isPending || connect.isSuccess} onClick={() => connect.mutate(companyId)}>
              {connect.isPending || connect.isSuccess
                ? t("calendar.google.opening")
                : t(connected ? "calendar.google.reconnect" : "calendar.google.connect")}
            </Button>
            {connected && (
              <Button variant="secondary" disabled={disconnect.isPending} onClick={() => setConfirming(true)}>
                {disconnect.isPending ? t("calendar.google.disconnecting") : t("calendar.google.disconnect")}
              </Button>
            )}
          </div>
        )}
        {canEdit && confirming && (
          <div className="space-y-2 rounded-lg border border-slate-200 bg-slate-50 p-3" role="group" aria-label={t("calendar.google.disconnect")}>
            <p className="text-sm text-slate-700">{t("calendar.google.confirmDisconnect")}</p>
            <div className="flex flex-wrap gap-2">
              <Button
                variant="danger"
                onClick={() => {
                  setConfirming(false);
                  disconnect.mutate(companyId);
                }}
              >
                {t("calendar.google.confirmDisconnectYes")}
              </Button>
              <Button variant="secondary" onClick={() => setConfirming(false)}>
                {t("calendar.google.confirmDisconnectNo")}
              </Button>
            </div>
          </div>
        )}
      </div>
    </Card>
  );
}

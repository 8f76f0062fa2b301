import { useI18n } from "../../i18n";
import { useCalendarStatus, useConnectCalendar } from "../../queries/booking";
import { Alert, Button, Card, ErrorAlert, Spinner } from "../ui";

/** Whether bookings go into the company's Google Calendar (and its busy times keep slots closed), the last failure
 * of a calendar write, and the way to connect. */
export function GoogleCalendarCard({ companyId, canEdit }: { companyId: string; canEdit: boolean }) {
  const { t } = useI18n();
  const status = useCalendarStatus(companyId);
  const connect = useConnectCalendar();
  const connected = status.data?.connected ?? false;

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
        {canEdit && status.data && (
          <Button variant={connected ? "secondary" : "primary"} disabled={connect.isPending || connect.isSuccess} onClick={() => connect.mutate(companyId)}>
            {connect.isPending || connect.isSuccess
              ? t("calendar.google.opening")
              : t(connected ? "calendar.google.reconnect" : "calendar.google.connect")}
          </Button>
        )}
      </div>
    </Card>
  );
}

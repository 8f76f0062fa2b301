import { useMemo } from "react";
import { Link } from "react-router-dom";

import { useI18n } from "../../i18n";
import { Card, ErrorAlert, Spinner } from "../ui";
import { lastDays, money } from "./overviewData";
import { useOverview } from "./useOverview";

/** The last 30 days' conversations, messages, paid orders and revenue over every company the person sees (the
 * admin: the platform's; a manager: their clients'), from the metrics overview. */
export function ActivityTotals({ scope }: { scope: "platform" | "clients" }) {
  const { t, language } = useI18n();
  const range = useMemo(() => lastDays(30), []);
  const overview = useOverview(range);
  const totals = overview.data?.totals;
  const number = new Intl.NumberFormat(language);
  const stats: [string, string, string][] = totals
    ? [
        [t("metrics.figure.conversations"), number.format(totals.conversations), "conversations"],
        [t("metrics.card.messages"), number.format(totals.messages_in + totals.messages_out), "messages"],
        [t("metrics.figure.ordersPaid"), number.format(totals.orders_paid), "orders-paid"],
        [t("metrics.figure.revenue"), money(totals.revenue, language) ?? t("metrics.none"), "revenue"],
      ]
    : [];
  return (
    <Card testId={`activity-totals-${scope}`}>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">{t(scope === "platform" ? "metrics.platform.title" : "metrics.clients.title")}</h2>
        <Link to="/metrics" className="text-sm font-semibold text-brand-600 hover:underline">
          {t("metrics.card.details")}
        </Link>
      </div>
      {overview.isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={overview.error} />
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {stats.map(([label, value, id]) => (
          <div key={id} data-testid={`activity-${id}`}>
            <div className="text-xs text-slate-500">{label}</div>
            <div className="text-lg font-semibold text-slate-900">{value}</div>
          </div>
        ))}
      </div>
    </Card>
  );
}

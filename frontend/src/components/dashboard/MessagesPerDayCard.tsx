import { lazy, Suspense, useId, useMemo } from "react";
import { Link } from "react-router-dom";

import { useI18n } from "../../i18n";
import { usePermissions } from "../../lib/usePermissions";
import { useMessagesPerDay } from "../../queries/metrics";
import { Card, ErrorAlert, Spinner } from "../ui";
import { ChartBoundary } from "./ChartBoundary";
import { dayFormat, hasMessages, periodKey, toRows, toSeries } from "./messagesData";
import { MessagesTable } from "./MessagesTable";

const MessagesChart = lazy(() => import("./MessagesChart"));

/** Two weeks: enough to see a pattern, few enough bars for a phone. */
const DAYS = 14;

/** The dashboard's messages-per-day chart for every company the person sees, with a text summary and a table. */
export function MessagesPerDayCard() {
  const { t, language } = useI18n();
  const { can } = usePermissions();
  const titleId = useId();
  const query = useMessagesPerDay(DAYS);
  const data = query.data;

  const view = useMemo(() => {
    if (!data) return null;
    const number = new Intl.NumberFormat(language);
    return {
      series: toSeries(data),
      rows: toRows(data, language),
      formatNumber: (value: number) => number.format(value),
      formatDay: dayFormat(language, { weekday: "short", day: "numeric", month: "long" }),
      formatLongDay: dayFormat(language, { day: "numeric", month: "long" }),
    };
  }, [data, language]);

  if (data && data.companies.length === 0) return null; // the page's empty state speaks for itself
  const period = t(periodKey(language, DAYS), { days: DAYS });

  return (
    <Card testId="messages-chart">
      <section aria-labelledby={titleId} className="space-y-4">
        <div>
          <h2 id={titleId} className="text-lg font-semibold">
            {t("dashboard.chart.title")}
          </h2>
          <p className="text-sm text-slate-500">{t("dashboard.chart.subtitle", { period })}</p>
        </div>
        {query.isPending && <Spinner label={t("common.loading")} />}
        <ErrorAlert error={query.error} />
        {data && view && !hasMessages(view.series) && (
          <div className="rounded-lg border border-dashed border-slate-300 px-4 py-8 text-center" data-testid="messages-chart-empty">
            <p className="font-medium text-slate-800">{t("dashboard.chart.empty")}</p>
            {can("playground.use") ? (
              <p className="mt-1 text-sm text-slate-600">
                <Link to="/playground" className="font-semibold text-brand-600 hover:underline">
                  {t("dashboard.chart.emptyPlayground")}
                </Link>
                {" · "}
                {t("dashboard.chart.emptyPlaygroundHint")}
              </p>
            ) : (
              <p className="mt-1 text-sm text-slate-600">{t("dashboard.chart.emptyStaff")}</p>
            )}
          </div>
        )}
        {data && view && hasMessages(view.series) && (
          <>
            <figure
              role="img"
              className="h-72"
              data-testid="messages-chart-plot"
              aria-label={t("dashboard.chart.summary", {
                period,
                first: view.formatLongDay(data.days[0] ?? ""),
                last: view.formatLongDay(data.days.at(-1) ?? ""),
                companies: view.series
                  .map((s) =>
                    t("dashboard.chart.summaryCompany", {
                      name: s.name,
                      received: view.formatNumber(s.received),
                      sent: view.formatNumber(s.sent),
                    }),
                  )
                  .join("; "),
              })}
            >
              <ChartBoundary fallback={<p className="text-sm text-slate-600">{t("dashboard.chart.failed")}</p>}>
                <Suspense fallback={<Spinner label={t("dashboard.chart.loading")} />}>
                  <MessagesChart
                    rows={view.rows}
                    series={view.series}
                    formatNumber={view.formatNumber}
                    formatDay={view.formatDay}
                    labels={{
                      received: t("dashboard.chart.received"),
                      sent: t("dashboard.chart.sent"),
                    }}
                  />
                </Suspense>
              </ChartBoundary>
            </figure>
            <details className="group text-sm">
              <summary className="cursor-pointer select-none font-medium text-brand-600 hover:underline">
                {t("dashboard.chart.showTable")}
              </summary>
              <div className="mt-3">
                <MessagesTable rows={view.rows} series={view.series} formatDay={view.formatDay} formatNumber={view.formatNumber} />
              </div>
            </details>
          </>
        )}
      </section>
    </Card>
  );
}

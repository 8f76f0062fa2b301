import { useMemo, useState } from "react";

import { BreakdownTable, type BreakdownRow } from "../components/metrics/BreakdownTable";
import { BarsCard, MessagesCard } from "../components/metrics/ChartCard";
import { FigureTiles } from "../components/metrics/FigureTiles";
import { MetricsFilters, type FilterState } from "../components/metrics/MetricsFilters";
import { download, lastDays, periodLabel, toCsv } from "../components/metrics/overviewData";
import { useOverview } from "../components/metrics/useOverview";
import { ChannelIcon } from "../components/ChannelIcon";
import { NoCompanies } from "../components/NoCompanies";
import { Button, ErrorAlert, Spinner } from "../components/ui";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { useCompanies } from "../queries/companies";

const INITIAL: FilterState = { days: 30, granularity: "day", companyId: "", channel: "" };

/** Every figure of the metrics overview for a period: totals, messages over time, the conversion funnel, and the
 * split by channel, lead source and company, with filters and a CSV export of what is shown. */
export function MetricsPage() {
  const { t, language } = useI18n();
  const companies = useCompanies();
  const [filters, setFilters] = useState<FilterState>(INITIAL);
  const range = useMemo(() => lastDays(filters.days), [filters.days]);
  const overview = useOverview({
    ...range,
    granularity: filters.granularity,
    company_id: filters.companyId || undefined,
    channel: filters.channel || undefined,
  });
  const data = overview.data;
  const items = companies.data?.items ?? [];

  const channelName = (c: string | null) => (c ? (t(`channel.${c}` as MessageKey) ?? c) : t("metrics.channel.none"));
  const sourceName = (s: string | null) => (s ? (t(`channel.${s}` as MessageKey) ?? s) : t("metrics.leadSource.none"));

  const view = useMemo(() => {
    if (!data) return null;
    return {
      messages: data.series.map((s) => ({ label: periodLabel(s.period, filters.granularity, language), received: s.messages_in, sent: s.messages_out })),
      funnel: [
        { name: t("metrics.figure.conversations"), value: data.totals.conversations },
        { name: t("metrics.figure.linksSent"), value: data.totals.payment_links_sent },
        { name: t("metrics.figure.ordersPaid"), value: data.totals.orders_paid },
        { name: t("metrics.figure.bookings"), value: data.totals.bookings },
      ],
      types: [
        { name: t("metrics.figure.type1"), value: data.totals.type1 },
        { name: t("metrics.figure.type2"), value: data.totals.type2 },
        { name: t("metrics.figure.type3"), value: data.totals.type3 },
      ],
      channels: data.by_channel.map((c) => ({ name: channelName(c.channel), value: c.messages_in + c.messages_out })),
      sources: data.by_lead_source.map((s) => ({ name: sourceName(s.lead_source), value: s.conversations })),
    };
    // The name helpers only depend on `t`, which changes with the language.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, filters.granularity, language, t]);

  if (companies.data && items.length === 0) return <NoCompanies />;

  const channelRows: BreakdownRow[] = (data?.by_channel ?? []).map((c) => ({
    key: c.channel ?? "",
    name: (
      <span className="inline-flex items-center gap-2">
        {c.channel && <ChannelIcon platform={c.channel} decorative />}
        {channelName(c.channel)}
      </span>
    ),
    figures: c,
  }));
  const sourceRows: BreakdownRow[] = (data?.by_lead_source ?? []).map((s) => ({ key: s.lead_source ?? "", name: sourceName(s.lead_source), figures: s }));
  const companyRows: BreakdownRow[] = (data?.by_company ?? []).map((c) => ({ key: c.company_id, name: c.name, figures: c }));

  return (
    <div className="mx-auto max-w-6xl space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t("metrics.title")}</h1>
          <p className="text-sm text-slate-600">{t("metrics.subtitle")}</p>
        </div>
        <Button
          variant="secondary"
          disabled={!data}
          onClick={() => data && download(`metrics-${range.from}-${range.to}.csv`, toCsv(data, t("metrics.csv.period")))}
          data-testid="metrics-export"
        >
          {t("metrics.export")}
        </Button>
      </div>
      <MetricsFilters value={filters} onChange={setFilters} companies={items} />
      {overview.isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={overview.error} />
      {data && view && (
        <>
          <FigureTiles totals={data.totals} />
          {data.totals.conversations === 0 && data.totals.messages_in === 0 && (
            <p className="rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-slate-700" data-testid="metrics-empty">
              {t("metrics.chart.empty")}
            </p>
          )}
          <MessagesCard rows={view.messages} labels={{ received: t("metrics.figure.messagesIn"), sent: t("metrics.figure.messagesOut") }} />
          <div className="grid gap-4 lg:grid-cols-2">
            <BarsCard title={t("metrics.chart.funnel")} hint={t("metrics.chart.funnelHint")} rows={view.funnel} testId="metrics-funnel" />
            <BarsCard title={t("metrics.chart.types")} rows={view.types} testId="metrics-types" />
            <BarsCard title={t("metrics.chart.byChannel")} rows={view.channels} testId="metrics-by-channel" />
            <BarsCard title={t("metrics.chart.byLeadSource")} rows={view.sources} testId="metrics-by-lead-source" />
          </div>
          <BreakdownTable title={t("metrics.chart.byChannel")} rows={channelRows} testId="metrics-channel-table" />
          <BreakdownTable title={t("metrics.chart.byLeadSource")} rows={sourceRows} testId="metrics-source-table" />
          {companyRows.length > 1 && <BreakdownTable title={t("metrics.filter.company")} rows={companyRows} testId="metrics-company-table" />}
        </>
      )}
    </div>
  );
}

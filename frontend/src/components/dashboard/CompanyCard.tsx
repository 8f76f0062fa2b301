import { Link } from "react-router-dom";

import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import type { Company } from "../../queries/companies";
import { ChannelIcon } from "../ChannelIcon";
import { money } from "../metrics/overviewData";
import type { Figures } from "../metrics/useOverview";
import { Card } from "../ui";

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div data-testid={testId}>
      <div className="text-xs text-slate-500">{label}</div>
      <div className="text-lg font-semibold text-slate-900">{value}</div>
    </div>
  );
}

/** One company on the dashboard: its ids and type, its figures for the chosen days (from the metrics overview;
 * undefined while they load) and its channels. */
export function CompanyCard({ company, editable, figures }: { company: Company; editable: boolean; figures?: Figures }) {
  const { t, language } = useI18n();
  const number = new Intl.NumberFormat(language);
  const none = t("metrics.none");
  const count = (value: number | undefined) => (value === undefined ? none : number.format(value));
  return (
    <Card className="flex flex-col gap-4" testId="company-card">
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 className="truncate text-lg font-semibold">{company.name}</h2>
          <p className="text-sm text-slate-500">
            {company.company_id} · {t(`company.type.${company.company_type}` as MessageKey)}
            {company.shop_type ? ` · ${company.shop_type}` : ""}
          </p>
        </div>
        {editable && (
          <Link to={`/companies/${company.id}/edit`} className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50">
            {t("company.edit")}
          </Link>
        )}
      </div>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat label={t("metrics.figure.conversations")} value={count(figures?.conversations)} testId="card-conversations" />
        <Stat
          label={t("metrics.card.messages")}
          value={count(figures && figures.messages_in + figures.messages_out)}
          testId="card-messages"
        />
        <Stat label={t("metrics.figure.ordersPaid")} value={count(figures?.orders_paid)} testId="card-orders-paid" />
        <Stat label={t("metrics.figure.revenue")} value={(figures && money(figures.revenue, language)) ?? none} testId="card-revenue" />
      </div>
      <div className="flex items-center gap-2">
        {company.channels.length ? (
          company.channels.map((c) => <ChannelIcon key={c} platform={c} />)
        ) : (
          <span className="text-sm text-slate-500">{t("company.noChannels")}</span>
        )}
      </div>
    </Card>
  );
}

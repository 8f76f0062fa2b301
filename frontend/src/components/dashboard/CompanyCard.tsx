import { Link } from "react-router-dom";

import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { useCompanyStats, type Company } from "../../queries/companies";
import { ChannelIcon } from "../ChannelIcon";
import { Card } from "../ui";

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <div>
      <div className="text-xs text-slate-500">{label}</div>
      <div className="text-lg font-semibold text-slate-900">{value}</div>
    </div>
  );
}

/** One company on the dashboard: its ids and type, its message figures and its channels. */
export function CompanyCard({ company, editable }: { company: Company; editable: boolean }) {
  const { t } = useI18n();
  const stats = useCompanyStats(company.id);
  const avg = stats.data?.avg_response_time;
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
        <Stat label={t("company.messages")} value={stats.data?.total_messages ?? "–"} />
        <Stat label={t("company.paid")} value={stats.data?.type3_paid ?? "–"} />
        <Stat label={t("company.unpaid")} value={stats.data?.type2_unpaid ?? "–"} />
        <Stat label={t("company.avgResponse")} value={avg == null ? "–" : `${avg.toFixed(1)} s`} />
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

import { Link } from "react-router-dom";

import { ChannelIcon } from "../components/ChannelIcon";
import { Alert, Card, ErrorAlert, Spinner } from "../components/ui";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { useMe } from "../queries/auth";
import { useCompanies, useCompanyStats, type Company } from "../queries/companies";

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <div>
      <div className="text-xs text-slate-500">{label}</div>
      <div className="text-lg font-semibold text-slate-900">{value}</div>
    </div>
  );
}

function CompanyCard({ company, editable }: { company: Company; editable: boolean }) {
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

export function DashboardPage() {
  const { t, language } = useI18n();
  const me = useMe(true);
  const companies = useCompanies();
  const trialEnds = me.data?.trial_ends_at ? new Date(me.data.trial_ends_at) : null;
  const role = me.data?.role ?? "CLIENT";
  const isClient = role === "CLIENT";
  const title = isClient ? t("dashboard.title") : role === "ADMIN" ? t("dashboard.titleAdmin") : t("dashboard.titleManager");
  return (
    <div className="mx-auto max-w-5xl space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{title}</h1>
          <p className="text-sm text-slate-600">{t("dashboard.subtitle")}</p>
        </div>
        {isClient && (
          <Link to="/companies/new" className="rounded-lg bg-brand-600 px-4 py-2.5 text-sm font-semibold text-white hover:bg-brand-700">
            {t("dashboard.create")}
          </Link>
        )}
      </div>
      {me.data?.subscription_status === "expired" && <Alert kind="warning">{t("dashboard.trialExpired")}</Alert>}
      {me.data?.subscription_status === "trialing" && trialEnds && (
        <Alert kind="info">{t("dashboard.trialEnds", { date: trialEnds.toLocaleDateString(language) })}</Alert>
      )}
      {companies.isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={companies.error} />
      {companies.data && companies.data.items.length === 0 && (
        <Card className="text-center">
          <h2 className="text-lg font-semibold">{isClient ? t("dashboard.empty") : t("dashboard.staffEmpty")}</h2>
          {isClient && <p className="mt-1 text-sm text-slate-600">{t("dashboard.emptyHint")}</p>}
        </Card>
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        {companies.data?.items.map((c) => <CompanyCard key={c.id} company={c} editable={role !== "MANAGER"} />)}
      </div>
    </div>
  );
}

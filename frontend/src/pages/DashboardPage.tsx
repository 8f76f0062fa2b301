import { useMemo, useState } from "react";
import { Link } from "react-router-dom";

import { CompanyCard } from "../components/dashboard/CompanyCard";
import { MessagesPerDayCard } from "../components/dashboard/MessagesPerDayCard";
import { CardPeriod, type CardDays } from "../components/dashboard/CardPeriod";
import { NoCompanies } from "../components/dashboard/NoCompanies";
import { OnboardingChecklist } from "../components/dashboard/OnboardingChecklist";
import { lastDays } from "../components/metrics/overviewData";
import { useOverview } from "../components/metrics/useOverview";
import { Alert, ErrorAlert, Spinner } from "../components/ui";
import { useI18n } from "../i18n";
import { usePermissions } from "../lib/usePermissions";
import { useMe } from "../queries/auth";
import { useCompanies } from "../queries/companies";

export function DashboardPage() {
  const { t, language } = useI18n();
  const { can } = usePermissions();
  const me = useMe(true);
  const companies = useCompanies();
  const trialEnds = me.data?.trial_ends_at ? new Date(me.data.trial_ends_at) : null;
  const role = me.data?.role ?? "CLIENT";
  const title = role === "ADMIN" ? t("dashboard.titleAdmin") : role === "MANAGER" ? t("dashboard.titleManager") : t("dashboard.title");
  const items = companies.data?.items;
  const canCreate = can("company.create");
  const [days, setDays] = useState<CardDays>(7);
  const range = useMemo(() => lastDays(days), [days]);
  const overview = useOverview(range, Boolean(items?.length));
  const figures = new Map(overview.data?.by_company.map((c) => [c.company_id, c]));
  return (
    <div className="mx-auto max-w-5xl space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{title}</h1>
          <p className="text-sm text-slate-600">{t("dashboard.subtitle")}</p>
        </div>
        {/* With no company yet, the empty state below carries the one "create" call to action. */}
        {canCreate && items && items.length > 0 && (
          <Link to="/companies/new" className="rounded-lg bg-brand-600 px-4 py-2.5 text-sm font-semibold text-white hover:bg-brand-700">
            {t("dashboard.create")}
          </Link>
        )}
      </div>
      {canCreate && me.data && <OnboardingChecklist key={me.data.id} userId={me.data.id} />}
      {me.data?.subscription_status === "expired" && <Alert kind="warning">{t("dashboard.trialExpired")}</Alert>}
      {me.data?.subscription_status === "trialing" && trialEnds && (
        <Alert kind="info">{t("dashboard.trialEnds", { date: trialEnds.toLocaleDateString(language) })}</Alert>
      )}
      {companies.isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={companies.error} />
      {items && items.length === 0 && <NoCompanies />}
      {items && items.length > 0 && <MessagesPerDayCard />}
      {items && items.length > 0 && <CardPeriod days={days} onChange={setDays} />}
      <ErrorAlert error={overview.error} />
      <div className="grid gap-4 lg:grid-cols-2">
        {items?.map((c) => <CompanyCard key={c.id} company={c} editable={can("company.edit")} figures={figures.get(c.id)} />)}
      </div>
    </div>
  );
}

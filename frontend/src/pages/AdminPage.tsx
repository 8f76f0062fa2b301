import { ClientsTable } from "../components/admin/ClientsTable";
import { ManagersCard } from "../components/admin/ManagersCard";
import { MetaApps } from "../components/admin/MetaApps";
import { StatsCards } from "../components/admin/StatsCards";
import { ActivityTotals } from "../components/metrics/ActivityTotals";
import { Alert, ErrorAlert, Spinner } from "../components/ui";
import { useI18n } from "../i18n";
import { usePermissions } from "../lib/usePermissions";
import { usePlatformStats } from "../queries/admin";

function PlatformFigures() {
  const { t } = useI18n();
  const stats = usePlatformStats();
  if (stats.isPending) return <Spinner label={t("admin.loading")} />;
  if (stats.error) return <ErrorAlert error={stats.error} />;
  return <StatsCards stats={stats.data} platform />;
}

/** The admin's page (SPEC.md R-S3, R-UI2): the platform's figures, managers, every business with filters,
 * assignments and plan overrides, and the Meta app pool. */
export function AdminPage() {
  const { t } = useI18n();
  const { check } = usePermissions();
  const allowed = check("admin.view");
  if (!allowed.ok) return <Alert kind="info">{t(allowed.reason)}</Alert>;
  return (
    <div className="mx-auto max-w-6xl space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">{t("admin.title")}</h1>
        <p className="text-sm text-slate-600">{t("admin.subtitle")}</p>
      </div>
      <PlatformFigures />
      <ActivityTotals scope="platform" />
      <ClientsTable />
      <div className="grid gap-6 lg:grid-cols-2">
        <ManagersCard />
        <MetaApps />
      </div>
    </div>
  );
}

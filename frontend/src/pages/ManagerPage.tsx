import { MyClients } from "../components/admin/MyClients";
import { StatsCards } from "../components/admin/StatsCards";
import { ActivityTotals } from "../components/metrics/ActivityTotals";
import { Alert, ErrorAlert, Spinner } from "../components/ui";
import { useI18n } from "../i18n";
import { usePermissions } from "../lib/usePermissions";
import { useMyManagerStats } from "../queries/admin";

function MyFigures() {
  const { t } = useI18n();
  const stats = useMyManagerStats();
  if (stats.isPending) return <Spinner label={t("admin.loading")} />;
  if (stats.error) return <ErrorAlert error={stats.error} />;
  return <StatsCards stats={stats.data} platform={false} />;
}

/** The manager's page (SPEC.md R-S4, R-UI2): their businesses' figures and the businesses themselves, with links
 * to each one's chat and vault. */
export function ManagerPage() {
  const { t } = useI18n();
  const { check } = usePermissions();
  const allowed = check("manager.view");
  if (!allowed.ok) return <Alert kind="info">{t(allowed.reason)}</Alert>;
  return (
    <div className="mx-auto max-w-6xl space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">{t("admin.manager.title")}</h1>
        <p className="text-sm text-slate-600">{t("admin.manager.subtitle")}</p>
      </div>
      <MyFigures />
      <ActivityTotals scope="clients" />
      <MyClients />
    </div>
  );
}

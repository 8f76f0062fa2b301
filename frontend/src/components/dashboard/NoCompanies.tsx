import { Link } from "react-router-dom";

import { useI18n } from "../../i18n";
import { usePermissions } from "../../lib/usePermissions";
import { useMe } from "../../queries/auth";
import { useManagerStats } from "../../queries/metrics";
import { Card } from "../ui";

/** The dashboard with no company to show: a business is led to create one; staff are told why it is empty. */
export function NoCompanies() {
  const { t } = useI18n();
  const { can } = usePermissions();
  const role = useMe(true).data?.role;
  const managerStats = useManagerStats(role === "MANAGER");

  if (can("company.create")) {
    return (
      <Card className="py-8 text-center" testId="no-companies">
        <h2 className="text-lg font-semibold">{t("dashboard.empty")}</h2>
        <p className="mt-1 text-sm text-slate-600">{t("dashboard.emptyHint")}</p>
        <Link
          to="/companies/new"
          className="mt-4 inline-flex rounded-lg bg-brand-600 px-4 py-2.5 text-sm font-semibold text-white hover:bg-brand-700"
        >
          {t("dashboard.start.create")}
        </Link>
      </Card>
    );
  }
  if (role === "MANAGER") {
    if (managerStats.isPending) return null;
    const hasBusinesses = (managerStats.data?.clients ?? 0) > 0;
    return (
      <Card className="py-8 text-center" testId="no-companies">
        <h2 className="text-lg font-semibold">
          {hasBusinesses ? t("dashboard.start.managerNoCompanies") : t("dashboard.start.manager")}
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          {hasBusinesses ? t("dashboard.start.managerNoCompaniesHint") : t("dashboard.start.managerHint")}
        </p>
      </Card>
    );
  }
  return (
    <Card className="py-8 text-center" testId="no-companies">
      <h2 className="text-lg font-semibold">{t("dashboard.start.admin")}</h2>
      <p className="mx-auto mt-1 max-w-prose text-sm text-slate-600">{t("dashboard.start.adminHint")}</p>
      {/* The API documentation is served by the API, outside the dashboard's routes. */}
      <a href="/docs" className="mt-3 inline-block text-sm font-semibold text-brand-600 hover:underline">
        {t("dashboard.start.adminDocs")}
      </a>
    </Card>
  );
}

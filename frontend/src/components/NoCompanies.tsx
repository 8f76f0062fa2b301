import { Link } from "react-router-dom";

import { useI18n } from "../i18n";
import { usePermissions } from "../lib/usePermissions";
import { Card } from "./ui";

/** A page about one company, with no company to show: a business is led to create one; staff are told why. */
export function NoCompanies() {
  const { t } = useI18n();
  const { can } = usePermissions();
  const business = can("company.create");
  return (
    <Card testId="no-companies">
      <p className="text-sm text-slate-700">{business ? t("wizard.noCompanies.business") : t("wizard.noCompanies.staff")}</p>
      {business && (
        <Link
          to="/companies/new"
          className="mt-3 inline-flex items-center rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
        >
          {t("wizard.noCompanies.create")}
        </Link>
      )}
    </Card>
  );
}

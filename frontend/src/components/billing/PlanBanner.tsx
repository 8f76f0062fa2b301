import { Link } from "react-router-dom";

import { useI18n } from "../../i18n";
import { useMe } from "../../queries/auth";

/** The app shell's notice for a business whose plan has lapsed (channels paused) or whose payment failed. */
export function PlanBanner() {
  const { t } = useI18n();
  const me = useMe(true).data;
  if (!me || me.role !== "CLIENT") return null;
  const status = me.subscription_status;
  if (status !== "past_due" && status !== "canceled" && status !== "expired") return null;
  const lapsed = status !== "past_due";
  return (
    <div
      role="status"
      className={`mb-4 flex flex-wrap items-center justify-between gap-2 rounded-lg border px-4 py-3 text-sm ${lapsed ? "border-red-200 bg-red-50 text-red-800" : "border-amber-200 bg-amber-50 text-amber-900"}`}
      data-testid="plan-banner"
    >
      <span>{t(`billing.banner.${status}`)}</span>
      <Link to="/billing" className="font-semibold underline">
        {t(lapsed ? "billing.banner.action" : "billing.banner.fix")}
      </Link>
    </div>
  );
}

import { Link } from "react-router-dom";

import { useI18n } from "../../i18n";
import { usePermissions } from "../../lib/usePermissions";
import { Button, Card } from "../ui";

/** No orders to show. With filters: say so and offer to clear them. With none at all: how customers buy, and where
 * to try it (the Playground) or set payments up (Billing), for those who may. */
export function PurchasesEmpty({ filtered, companyId, onClear }: { filtered: boolean; companyId?: string; onClear: () => void }) {
  const { t } = useI18n();
  const { can } = usePermissions();
  if (filtered) {
    return (
      <Card testId="purchases-empty" className="text-center">
        <p className="font-semibold text-slate-800">{t("payments.purchases.noMatch")}</p>
        <Button variant="ghost" onClick={onClear} className="mt-2">
          {t("conversations.filtersClear")}
        </Button>
      </Card>
    );
  }
  const business = can("playground.use");
  return (
    <Card testId="purchases-empty">
      <p className="font-semibold text-slate-800">{t("payments.purchases.noneYet")}</p>
      <p className="mt-1 text-sm text-slate-600">{t(business ? "payments.purchases.howCustomersBuy" : "payments.purchases.noneYetStaff")}</p>
      {business && (
        <div className="mt-4 flex flex-wrap items-center gap-4">
          <Link
            to={companyId ? `/playground?company=${companyId}` : "/playground"}
            className="inline-flex items-center rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
          >
            {t("payments.purchases.tryPlayground")}
          </Link>
          {can("billing.view") && (
            <Link to="/billing" className="text-sm font-semibold text-brand-700 hover:underline">
              {t("payments.purchases.setUpPayments")}
            </Link>
          )}
        </div>
      )}
    </Card>
  );
}

import { PlanSection } from "../components/billing/PlanSection";
import { ReceivePayments } from "../components/billing/ReceivePayments";
import { Card } from "../components/ui";
import { useI18n } from "../i18n";
import { usePermissions } from "../lib/usePermissions";

/** Billing: the business's own agreements, so the business only (staff are told why). */
export function BillingPage() {
  const { t } = useI18n();
  const allowed = usePermissions().check("billing.view");
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">{t("payments.billing.title")}</h1>
        <p className="text-sm text-slate-600">{t("billing.page.subtitle")}</p>
      </div>
      {allowed.ok ? (
        <>
          <PlanSection />
          <ReceivePayments />
        </>
      ) : (
        <Card testId="billing-off">
          <p className="text-sm text-slate-700">{t(allowed.reason)}</p>
        </Card>
      )}
    </div>
  );
}

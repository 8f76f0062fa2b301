import { useEffect, useRef } from "react";
import { useSearchParams } from "react-router-dom";

import { useI18n } from "../../i18n";
import { planStarted, useActivePlan, useBillingHistory, useConfirmCheckout, usePlans } from "../../queries/subscriptions";
import { Alert, Card, ErrorAlert, Spinner } from "../ui";
import { CurrentPlan } from "./CurrentPlan";
import { InvoicesTable } from "./InvoicesTable";
import { PlanCards } from "./PlanCards";

/** Billing's plan section (SPEC.md R-UI2 "Billing"): the current plan and its usage, the plans to move to, and the
 * invoices. Back from Stripe Checkout (`?checkout=success&session_id=…`) it asks the server to confirm the session
 * with Stripe, which starts a paid plan at once; until the plan shows it keeps asking (the webhook starts it too). */
export function PlanSection() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const returned = params.get("checkout");
  const sessionId = params.get("session_id");
  const active = useActivePlan(true, returned === "success");
  const confirm = useConfirmCheckout();
  const confirmed = useRef<string | null>(null);
  useEffect(() => {
    // Once per session id: a failure (Stripe down) is not shown, the polling and the webhook still start the plan.
    if (returned !== "success" || !sessionId || confirmed.current === sessionId) return;
    confirmed.current = sessionId;
    confirm.mutate(sessionId);
  }, [returned, sessionId, confirm]);
  const plans = usePlans(true);
  const history = useBillingHistory(true);
  return (
    <>
      <Card testId="plan-section">
        <section aria-labelledby="plan-title" className="space-y-5">
          <div>
            <h2 id="plan-title" className="text-lg font-semibold">
              {t("billing.plan.title")}
            </h2>
            <p className="text-sm text-slate-600">{t("billing.plan.subtitle")}</p>
          </div>
          {returned === "success" && active.data && !planStarted(active.data) && <Alert kind="info">{t("billing.checkout.success")}</Alert>}
          {returned === "success" && active.data && planStarted(active.data) && (
            <Alert kind="success">{t("billing.checkout.started", { plan: t(`billing.planName.${active.data.plan}`) })}</Alert>
          )}
          {returned === "cancel" && <Alert kind="info">{t("billing.checkout.cancel")}</Alert>}
          {(active.isPending || plans.isPending) && <Spinner label={t("common.loading")} />}
          <ErrorAlert error={active.error ?? plans.error} />
          {active.data && <CurrentPlan active={active.data} />}
          {active.data && plans.data && (
            <div className="space-y-3">
              <h3 className="font-semibold">{t("billing.plans.title")}</h3>
              <PlanCards plans={plans.data.items} active={active.data} />
            </div>
          )}
        </section>
      </Card>
      <Card testId="invoices-section">
        <section aria-labelledby="invoices-title" className="space-y-3">
          <h2 id="invoices-title" className="text-lg font-semibold">
            {t("billing.invoices.title")}
          </h2>
          {history.isPending && <Spinner label={t("common.loading")} />}
          <ErrorAlert error={history.error} />
          {history.data && <InvoicesTable invoices={history.data.invoices} />}
        </section>
      </Card>
    </>
  );
}

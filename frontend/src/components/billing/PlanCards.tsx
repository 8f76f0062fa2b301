import { useState } from "react";

import { useI18n } from "../../i18n";
import {
  isTooManyChannels,
  useChangePlan,
  useCheckout,
  type ActivePlan,
  type PlanInfo,
  type PurchasablePlan,
} from "../../queries/subscriptions";
import { Alert, Button, ErrorAlert } from "../ui";
import { PlanChangeRefused } from "./PlanChangeRefused";
import { pluralForm } from "./plural";

function isPurchasable(plan: PlanInfo): plan is PlanInfo & { plan: PurchasablePlan } {
  return plan.purchasable;
}

/** The plans a business can buy. Without a live subscription a card opens Stripe Checkout; with one it changes the
 * subscription's plan (up or down), and a downgrade with too many channels in use lists them. */
export function PlanCards({ plans, active }: { plans: PlanInfo[]; active: ActivePlan }) {
  const { t, language } = useI18n();
  const checkout = useCheckout();
  const change = useChangePlan();
  const [target, setTarget] = useState<PlanInfo | null>(null);
  const onSale = plans.filter(isPurchasable);
  const live = active.subscription_id !== null;
  const currentPrice = plans.find((p) => p.plan === active.plan)?.price_usd ?? 0;
  const busy = checkout.isPending || change.isPending;
  const price = (usd: number) => new Intl.NumberFormat(language, { style: "currency", currency: "USD" }).format(usd);

  if (onSale.length === 0) return <Alert kind="info">{t("billing.plans.notForSale")}</Alert>;

  function choose(plan: PlanInfo & { plan: PurchasablePlan }) {
    setTarget(plan);
    change.reset();
    checkout.reset();
    if (live) change.mutate(plan.plan);
    else checkout.mutate(plan.plan, { onSuccess: ({ url }) => window.location.assign(url) });
  }

  const refusal = isTooManyChannels(change.error) ? change.error : null;
  return (
    <div className="space-y-4">
      <ul className="grid gap-3 sm:grid-cols-3" data-testid="plan-cards">
        {onSale.map((plan) => {
          const current = live && plan.plan === active.plan;
          const up = (plan.price_usd ?? 0) > currentPrice;
          const label = current
            ? t("billing.plans.current")
            : !live
              ? t("billing.plans.choose")
              : up
                ? t("billing.plans.upgrade")
                : t("billing.plans.downgrade");
          return (
            <li
              key={plan.plan}
              className={`flex flex-col justify-between gap-4 rounded-xl border p-4 ${current ? "border-brand-500 ring-1 ring-brand-500" : "border-slate-200"}`}
              data-testid={`plan-card-${plan.plan}`}
            >
              <div>
                <div className="font-semibold">{t(`billing.planName.${plan.plan}`)}</div>
                {plan.price_usd !== null && (
                  <div className="text-lg font-bold">{t("billing.plans.perMonth", { price: price(plan.price_usd) })}</div>
                )}
                <div className="text-sm text-slate-600">
                  {plan.channels === null
                    ? t("billing.plans.unlimited")
                    : t(`billing.plans.channels.${pluralForm(plan.channels, language)}`, { count: plan.channels })}
                </div>
              </div>
              <Button
                type="button"
                variant={current ? "secondary" : "primary"}
                disabled={current || busy}
                onClick={() => choose(plan)}
                data-testid={`plan-action-${plan.plan}`}
              >
                {label}
              </Button>
            </li>
          );
        })}
      </ul>
      {live && <p className="text-xs text-slate-500">{t("billing.plans.noRefund")}</p>}
      {change.isSuccess && target && <Alert kind="success">{t("billing.plans.changed", { plan: t(`billing.planName.${target.plan}`) })}</Alert>}
      {refusal && target ? (
        <PlanChangeRefused plan={t(`billing.planName.${target.plan}`)} limit={target.channels ?? 0} refusal={refusal} />
      ) : (
        <ErrorAlert error={change.error} />
      )}
      <ErrorAlert error={checkout.error} />
    </div>
  );
}

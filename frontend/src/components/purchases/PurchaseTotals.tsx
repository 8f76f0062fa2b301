import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import type { Purchase } from "../../queries/purchases";
import { Card } from "../ui";
import { formatMoney, totalsByCurrency } from "./money";

function ordersKey(language: string, n: number): MessageKey {
  const form = new Intl.PluralRules(language).select(n);
  if (form === "one" || form === "few" || form === "many") return `payments.purchases.orders.${form}`;
  return "payments.purchases.orders.other";
}

/** Per currency, over the orders listed: how many, what was paid and what is still awaited. The API pages the log,
 * so while only part of it is loaded the card says so. */
export function PurchaseTotals({ orders, total }: { orders: Purchase[]; total: number }) {
  const { t, language } = useI18n();
  const sums = totalsByCurrency(orders);
  if (sums.length === 0) return null;
  return (
    <Card testId="purchase-totals">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-base font-semibold">{t("payments.purchases.totals")}</h2>
        {orders.length < total && (
          <p className="text-xs text-slate-500">{t("payments.purchases.totalsPartial", { shown: orders.length, total })}</p>
        )}
      </div>
      <ul className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {sums.map((sum) => (
          <li key={sum.currency} className="rounded-lg border border-slate-200 px-4 py-3" data-testid="currency-total" data-currency={sum.currency}>
            <div className="flex items-baseline justify-between gap-2">
              <span className="text-sm font-semibold text-slate-700">{sum.currency}</span>
              <span className="text-xs text-slate-500">{t(ordersKey(language, sum.orders), { n: sum.orders })}</span>
            </div>
            <dl className="mt-1 space-y-0.5 text-sm">
              <div className="flex justify-between gap-2">
                <dt className="text-slate-600">{t("payments.purchases.totalPaid")}</dt>
                <dd className="font-semibold text-emerald-700" data-testid="total-paid">
                  {formatMoney(sum.paid, sum.currency, language)}
                </dd>
              </div>
              <div className="flex justify-between gap-2">
                <dt className="text-slate-600">{t("payments.purchases.totalAwaiting")}</dt>
                <dd className="font-medium text-amber-700" data-testid="total-awaiting">
                  {formatMoney(sum.awaiting, sum.currency, language)}
                </dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
    </Card>
  );
}

import { Link } from "react-router-dom";

import { useI18n } from "../../i18n";
import { Alert } from "../ui";

/** A server with no Stripe key: in development, chat orders are paid on a labelled sandbox page (no money moves);
 * in production, not online at all. Either way the business is told honestly what its customers will see. */
export function CheckoutModeNote({ mode, canTry }: { mode: "sandbox" | "off"; canTry: boolean }) {
  const { t } = useI18n();
  if (mode === "off") {
    return (
      <div className="space-y-2" data-testid="payments-off">
        <Alert kind="warning">{t("payments.off.title")}</Alert>
        <p className="text-sm text-slate-700">{t("payments.off.explain")}</p>
        <p className="text-sm text-slate-500">{t("payments.stripeKeyHint")}</p>
      </div>
    );
  }
  return (
    <div className="space-y-3" data-testid="payments-sandbox">
      <Alert kind="info">
        <span className="mr-2 rounded bg-amber-600 px-1.5 py-0.5 text-xs font-bold tracking-wider text-white">{t("payments.sandbox.label")}</span>
        {t("payments.sandbox.title")}
      </Alert>
      <p className="text-sm text-slate-700">{t("payments.sandbox.explain")}</p>
      <p className="text-sm text-slate-500">{t("payments.stripeKeyHint")}</p>
      <div className="flex flex-wrap gap-4 text-sm font-semibold">
        {canTry && (
          <Link to="/playground" className="text-brand-700 hover:underline">
            {t("payments.sandbox.tryIt")}
          </Link>
        )}
        <Link to="/purchases" className="text-brand-700 hover:underline">
          {t("payments.sandbox.seeOrders")}
        </Link>
      </div>
    </div>
  );
}

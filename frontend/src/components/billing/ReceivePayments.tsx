import { useSearchParams } from "react-router-dom";

import { useI18n } from "../../i18n";
import { usePermissions } from "../../lib/usePermissions";
import { useConnectStatus } from "../../queries/payments";
import { Card, ErrorAlert, Spinner } from "../ui";
import { CheckoutModeNote } from "./CheckoutModeNote";
import { ConnectStatusBadge } from "./ConnectStatusBadge";
import { StripeConnect, type StripeReturn } from "./StripeConnect";

function stripeReturn(value: string | null): StripeReturn {
  return value === "return" || value === "refresh" ? value : null;
}

/** Billing's "Receive payments" section (SPEC.md R-UI2, Stripe Connect onboarding): how customers pay for what they
 * order in chat on this server, and the business's Stripe account when payments are real. */
export function ReceivePayments() {
  const { t } = useI18n();
  const { can } = usePermissions();
  const status = useConnectStatus(true);
  const [params] = useSearchParams();
  const data = status.data;
  return (
    <Card testId="receive-payments">
      <section aria-labelledby="receive-payments-title" className="space-y-4">
        <div>
          <div className="flex flex-wrap items-start justify-between gap-x-3 gap-y-1">
            <h2 id="receive-payments-title" className="text-lg font-semibold">
              {t("payments.receive.title")}
            </h2>
            {data?.checkout === "stripe" && <ConnectStatusBadge status={data.status} />}
          </div>
          <p className="text-sm text-slate-600">{t("payments.receive.subtitle")}</p>
        </div>
        {status.isPending && <Spinner label={t("common.loading")} />}
        <ErrorAlert error={status.error} />
        {data && data.checkout !== "stripe" && <CheckoutModeNote mode={data.checkout} canTry={can("playground.use")} />}
        {data?.checkout === "stripe" && (
          <StripeConnect status={data} returned={stripeReturn(params.get("connect"))} canConnect={can("payments.connect")} />
        )}
      </section>
    </Card>
  );
}

import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { useOnboard, type ConnectStatus } from "../../queries/payments";
import { Alert, Button, ErrorAlert } from "../ui";
import { DisconnectStripe } from "./DisconnectStripe";
import { Requirements } from "./Requirements";

/** How Stripe sent the business back here: `return` after onboarding (finished or left), `refresh` when its
 * onboarding link had expired or was used already (x8/platform/payments/connect.py builds both URLs). */
export type StripeReturn = "return" | "refresh" | null;

const EXPLAIN: Record<ConnectStatus["status"], MessageKey> = {
  not_connected: "payments.connect.explain.not_connected",
  pending: "payments.connect.explain.pending",
  enabled: "payments.connect.explain.enabled",
  restricted: "payments.connect.explain.restricted",
};

const ACTION: Record<ConnectStatus["status"], MessageKey> = {
  not_connected: "payments.connect.start",
  pending: "payments.connect.continue",
  enabled: "payments.connect.update",
  restricted: "payments.connect.update",
};

/** Stripe Connect on a server that takes real payments: where the account stands, what Stripe still needs, the way
 * to (continue) onboarding at Stripe, and disconnecting. */
export function StripeConnect({ status, returned, canConnect }: { status: ConnectStatus; returned: StripeReturn; canConnect: boolean }) {
  const { t } = useI18n();
  const onboard = useOnboard();
  const state = status.status;
  // An enabled account is only sent back to Stripe when Stripe asks for something.
  const offerOnboarding = canConnect && (state !== "enabled" || status.requirements.length > 0);
  const leaving = onboard.isPending || onboard.isSuccess; // the browser is on its way to Stripe
  return (
    <div className="space-y-4">
      {returned === "return" && state !== "enabled" && <Alert kind="info">{t("payments.connect.returned")}</Alert>}
      {returned === "return" && state === "enabled" && <Alert kind="success">{t("payments.connect.returnedEnabled")}</Alert>}
      {returned === "refresh" && <Alert kind="warning">{t("payments.connect.linkExpired")}</Alert>}
      <p className="text-sm text-slate-700" data-testid="connect-explain">
        {t(EXPLAIN[state])}
      </p>
      {state === "enabled" && (
        <p className="text-sm text-slate-600">{t(status.payouts_enabled ? "payments.connect.payoutsOn" : "payments.connect.payoutsOff")}</p>
      )}
      <Requirements requirements={status.requirements} />
      {status.account_id && (
        <p className="text-xs text-slate-500">
          {t("payments.connect.account")} <span className="font-mono">{status.account_id}</span>
        </p>
      )}
      <ErrorAlert error={onboard.error} />
      {offerOnboarding && (
        <div>
          <Button
            variant={state === "enabled" ? "secondary" : "primary"}
            disabled={leaving}
            onClick={() => onboard.mutate(undefined, { onSuccess: (link) => window.location.assign(link.url) })}
          >
            {leaving ? t("payments.connect.opening") : t(ACTION[state])}
          </Button>
        </div>
      )}
      {canConnect && status.account_id && <DisconnectStripe />}
    </div>
  );
}

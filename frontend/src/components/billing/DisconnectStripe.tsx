import { useState } from "react";

import { useI18n } from "../../i18n";
import { useDisconnectStripe } from "../../queries/payments";
import { Button, ErrorAlert } from "../ui";

/** Disconnect, after saying what it does: Stripe deletes the account X8 made, and chat orders cannot be paid until
 * the business connects again (a new account). Stripe refuses while the account holds money; that refusal is shown. */
export function DisconnectStripe() {
  const { t } = useI18n();
  const disconnect = useDisconnectStripe();
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <Button variant="danger" onClick={() => setConfirming(true)}>
        {t("payments.connect.disconnect")}
      </Button>
    );
  }
  return (
    <div className="space-y-3 rounded-lg border border-red-200 bg-red-50 p-4" role="group" aria-labelledby="disconnect-stripe-title" data-testid="disconnect-confirm">
      <p id="disconnect-stripe-title" className="text-sm font-semibold text-red-900">
        {t("payments.connect.disconnectTitle")}
      </p>
      <p className="text-sm text-red-900">{t("payments.connect.disconnectExplain")}</p>
      <ErrorAlert error={disconnect.error} />
      <div className="flex flex-wrap gap-2">
        <Button variant="danger" disabled={disconnect.isPending} onClick={() => disconnect.mutate(undefined, { onSuccess: () => setConfirming(false) })}>
          {disconnect.isPending ? t("payments.connect.disconnecting") : t("payments.connect.disconnectConfirm")}
        </Button>
        <Button variant="secondary" disabled={disconnect.isPending} onClick={() => setConfirming(false)}>
          {t("common.cancel")}
        </Button>
      </div>
    </div>
  );
}

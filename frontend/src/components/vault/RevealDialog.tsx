import { useEffect, useState } from "react";

import { useI18n } from "../../i18n";
import { useRevealSecret, type VaultSecret } from "../../queries/vault";
import { Alert, Button, ErrorAlert } from "../ui";

/** Reveal one secret: a confirmation first (the reveal is audited), then the value, shown once with a copy button.
 * The value lives only in this dialog's state: closing it forgets the value. */
export function RevealDialog({ secret, onClose }: { secret: VaultSecret; onClose: () => void }) {
  const { t } = useI18n();
  const reveal = useRevealSecret();
  const [copied, setCopied] = useState(false);
  const value = reveal.data?.value;

  useEffect(() => {
    const close = (event: KeyboardEvent) => event.key === "Escape" && onClose();
    window.addEventListener("keydown", close);
    return () => window.removeEventListener("keydown", close);
  }, [onClose]);

  async function copy() {
    if (value === undefined) return;
    await navigator.clipboard.writeText(value);
    setCopied(true);
  }

  return (
    <div className="fixed inset-0 z-40 flex items-end justify-center bg-slate-900/40 p-0 sm:items-center sm:p-4" role="dialog"
      aria-modal="true" aria-labelledby="vault-reveal-title">
      <div className="w-full max-w-lg rounded-t-2xl bg-white p-5 shadow-xl sm:rounded-2xl">
        <h2 id="vault-reveal-title" className="mb-3 text-lg font-semibold">{t("vault.revealTitle", { label: secret.label })}</h2>
        {value === undefined ? (
          <div className="space-y-3">
            <Alert kind="warning">{t("vault.revealWarning")}</Alert>
            <ErrorAlert error={reveal.error} />
            <div className="flex justify-end gap-2 pt-2">
              <Button type="button" variant="ghost" onClick={onClose}>{t("vault.cancel")}</Button>
              <Button type="button" disabled={reveal.isPending} onClick={() => reveal.mutate(secret.id)}>
                {reveal.isPending ? t("vault.revealing") : t("vault.revealConfirm")}
              </Button>
            </div>
          </div>
        ) : (
          <div className="space-y-3">
            <p className="text-sm text-slate-600">{t("vault.shownOnce")}</p>
            <code data-testid="revealed-value" className="block break-all rounded-lg bg-slate-100 px-3 py-2.5 font-mono text-sm text-slate-900">
              {value}
            </code>
            <div className="flex justify-end gap-2 pt-2">
              <Button type="button" variant="secondary" onClick={() => void copy()}>
                {copied ? t("vault.copied") : t("vault.copy")}
              </Button>
              <Button type="button" onClick={onClose}>{t("vault.close")}</Button>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

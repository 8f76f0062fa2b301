import { useState, type FormEvent } from "react";

import { useI18n } from "../../i18n";
import { useUpdateSecret, type VaultSecret } from "../../queries/vault";
import { Button, ErrorAlert, fieldError, TextField } from "../ui";

/** Replace a secret's value (and its name). The provider's refusal of a channel token comes back as the API's
 * error and is shown here; the old value stays in the vault. */
export function EditSecretDialog({ secret, onClose }: { secret: VaultSecret; onClose: () => void }) {
  const { t } = useI18n();
  const update = useUpdateSecret();
  const [value, setValue] = useState("");
  const [label, setLabel] = useState(secret.label);

  function save(event: FormEvent) {
    event.preventDefault();
    const newLabel = label.trim() && label.trim() !== secret.label ? label.trim() : undefined;
    update.mutate({ secretId: secret.id, value, label: newLabel }, { onSuccess: onClose });
  }

  return (
    <div className="fixed inset-0 z-40 flex items-end justify-center bg-slate-900/40 p-0 sm:items-center sm:p-4" role="dialog"
      aria-modal="true" aria-labelledby="vault-edit-title">
      <form onSubmit={save} className="w-full max-w-lg space-y-3 rounded-t-2xl bg-white p-5 shadow-xl sm:rounded-2xl">
        <h2 id="vault-edit-title" className="text-lg font-semibold">{t("vault.editTitle", { label: secret.label })}</h2>
        <TextField label={t("vault.newValue")} type="password" autoComplete="off" required value={value}
          onChange={(e) => setValue(e.target.value)} hint={t("vault.newValueHint")} error={fieldError(update.error, "value")} />
        <TextField label={t("vault.label")} value={label} maxLength={200} onChange={(e) => setLabel(e.target.value)}
          error={fieldError(update.error, "label")} />
        <ErrorAlert error={update.error} />
        <div className="flex justify-end gap-2 pt-2">
          <Button type="button" variant="ghost" onClick={onClose}>{t("vault.cancel")}</Button>
          <Button type="submit" disabled={update.isPending || !value.trim()}>
            {update.isPending ? t("vault.saving") : t("vault.save")}
          </Button>
        </div>
      </form>
    </div>
  );
}

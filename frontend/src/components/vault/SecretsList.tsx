import { useState } from "react";

import { useI18n } from "../../i18n";
import { useVaultSecrets, type VaultSecret } from "../../queries/vault";
import { Button, Card, ErrorAlert, Spinner } from "../ui";
import { EditSecretDialog } from "./EditSecretDialog";
import { RevealDialog } from "./RevealDialog";
import { shortDateTime } from "./time";

const STATUS_STYLES: Record<VaultSecret["status"], string> = {
  active: "bg-emerald-50 text-emerald-700",
  expired: "bg-amber-50 text-amber-800",
  revoked: "bg-slate-100 text-slate-600",
  error: "bg-red-50 text-red-700",
};

/** The secrets, masked, each with Reveal and Edit. */
export function SecretsList({ clientId }: { clientId: string | undefined }) {
  const { t, language } = useI18n();
  const secrets = useVaultSecrets(clientId);
  const [revealing, setRevealing] = useState<VaultSecret | null>(null);
  const [editing, setEditing] = useState<VaultSecret | null>(null);
  return (
    <Card testId="vault-secrets">
      <h2 className="mb-4 text-lg font-semibold">{t("vault.secrets")}</h2>
      {secrets.isPending && <Spinner label={t("vault.loading")} />}
      <ErrorAlert error={secrets.error} />
      {secrets.data?.total === 0 && <p className="py-6 text-center text-sm text-slate-500">{t("vault.empty")}</p>}
      <ul className="divide-y divide-slate-100">
        {secrets.data?.items.map((secret) => (
          <li key={secret.id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="vault-secret">
            <div className="min-w-0 text-sm">
              <div className="truncate font-medium text-slate-900">{secret.label}</div>
              {secret.label !== t(`vault.kind.${secret.kind}`) && (
                <div className="text-slate-500">{t(`vault.kind.${secret.kind}`)}</div>
              )}
              <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-slate-600">
                <code className="rounded bg-slate-100 px-2 py-0.5 font-mono" data-testid="vault-masked">{secret.masked}</code>
                <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_STYLES[secret.status]}`}>
                  {t(`vault.status.${secret.status}`)}
                </span>
                {secret.last_checked_at && (
                  <span>{t("vault.checked", { date: shortDateTime(secret.last_checked_at, language) })}</span>
                )}
              </div>
            </div>
            <div className="flex gap-2">
              <Button variant="secondary" className="px-3 py-1.5" onClick={() => setRevealing(secret)}>{t("vault.reveal")}</Button>
              <Button variant="secondary" className="px-3 py-1.5" onClick={() => setEditing(secret)}>{t("vault.edit")}</Button>
            </div>
          </li>
        ))}
      </ul>
      {revealing && <RevealDialog secret={revealing} onClose={() => setRevealing(null)} />}
      {editing && <EditSecretDialog secret={editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}

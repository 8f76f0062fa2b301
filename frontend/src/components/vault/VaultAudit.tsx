import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { useMe } from "../../queries/auth";
import { useVaultAudit, useVaultSecrets } from "../../queries/vault";
import { Card, ErrorAlert, Spinner } from "../ui";
import { shortDateTime } from "./time";

/** Reveals, edits and rotations of the secrets in view, newest first; a refused reveal is marked. */
export function VaultAudit({ clientId }: { clientId: string | undefined }) {
  const { t, language } = useI18n();
  const me = useMe(true);
  const audit = useVaultAudit(clientId);
  const secrets = useVaultSecrets(clientId);
  const labels = new Map(secrets.data?.items.map((s) => [s.id, s.label]));
  return (
    <Card testId="vault-audit">
      <h2 className="text-lg font-semibold">{t("vault.audit")}</h2>
      <p className="mb-4 text-sm text-slate-600">{t("vault.auditSubtitle")}</p>
      {audit.isPending && <Spinner label={t("vault.loading")} />}
      <ErrorAlert error={audit.error} />
      {audit.data?.total === 0 && <p className="py-4 text-center text-sm text-slate-500">{t("vault.auditEmpty")}</p>}
      {audit.data && audit.data.total > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2 pr-3 font-medium">{t("vault.audit.at")}</th>
                <th className="py-2 pr-3 font-medium">{t("vault.audit.action")}</th>
                <th className="py-2 pr-3 font-medium">{t("vault.col.secret")}</th>
                <th className="py-2 pr-3 font-medium">{t("vault.audit.who")}</th>
                <th className="py-2 font-medium">{t("vault.audit.ip")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {audit.data.items.map((entry, index) => (
                <tr key={`${entry.at}-${index}`} data-testid="vault-audit-row">
                  <td className="whitespace-nowrap py-2 pr-3 text-slate-600">{shortDateTime(entry.at, language)}</td>
                  <td className="py-2 pr-3">
                    {t(`vault.action.${entry.action}`)}
                    {entry.denied && (
                      <span className="ml-2 rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700">{t("vault.audit.denied")}</span>
                    )}
                  </td>
                  <td className="py-2 pr-3 text-slate-700">{(entry.secret_id && labels.get(entry.secret_id)) ?? "—"}</td>
                  <td className="py-2 pr-3 text-slate-700">
                    {roleName(entry.actor_role)}
                    {entry.actor_id && entry.actor_id === me.data?.id && ` (${t("vault.you")})`}
                  </td>
                  <td className="py-2 font-mono text-xs text-slate-600">{entry.ip ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );

  function roleName(role: string): string {
    const key = `vault.role.${role}` as MessageKey;
    return role === "CLIENT" || role === "MANAGER" || role === "ADMIN" || role === "system" ? t(key) : role;
  }
}

import { useSearchParams } from "react-router-dom";

import { ClientPicker } from "../components/vault/ClientPicker";
import { SecretsList } from "../components/vault/SecretsList";
import { VaultAudit } from "../components/vault/VaultAudit";
import { useI18n } from "../i18n";
import { usePermissions } from "../lib/usePermissions";
import { useMe } from "../queries/auth";

/** The SystemData vault (SPEC.md §12 R-V1, R-V2): a business's own connection secrets, a manager's businesses'
 * (one chosen with `?client_id=`), an admin's all; masked, revealed one at a time with an audit entry. */
export function VaultPage() {
  const { t } = useI18n();
  const me = useMe(true).data;
  const { can } = usePermissions();
  const [params, setParams] = useSearchParams();
  const staff = can("vault.chooseClient");
  const clientId = staff ? params.get("client_id") ?? undefined : undefined;

  function choose(id: string | undefined) {
    setParams(id ? { client_id: id } : {}, { replace: true });
  }

  return (
    <div className="mx-auto max-w-5xl space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t("vault.title")}</h1>
          <p className="text-sm text-slate-600">{staff ? t("vault.staffSubtitle") : t("vault.subtitle")}</p>
        </div>
        {staff && (me?.role === "MANAGER" || me?.role === "ADMIN") && (
          <ClientPicker role={me.role} value={clientId} onChange={choose} />
        )}
      </div>
      <SecretsList clientId={clientId} />
      <VaultAudit clientId={clientId} />
    </div>
  );
}

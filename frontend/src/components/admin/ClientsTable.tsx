import { useState } from "react";

import { useI18n } from "../../i18n";
import { useAdminClients, useAssignManager, useManagers, type Client, type ClientFilters } from "../../queries/admin";
import { Button, Card, ErrorAlert, Spinner, TextField } from "../ui";
import { PLANS, SelectField, shortDate, STATUSES } from "./fields";
import { PlanOverride } from "./PlanOverride";

const PAGE = 20;
const UNASSIGNED = "none";

/** Every business, filtered and searched, with its manager (assign, move or unassign in place) and the plan
 * override. */
export function ClientsTable() {
  const { t, language } = useI18n();
  const [q, setQ] = useState("");
  const [plan, setPlan] = useState("");
  const [status, setStatus] = useState("");
  const [manager, setManager] = useState("");
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<Client | null>(null);
  const managers = useManagers();
  const assign = useAssignManager();
  const filters: ClientFilters = {
    limit: PAGE,
    offset,
    ...(q.trim() && { q: q.trim() }),
    ...(plan && { plan: plan as ClientFilters["plan"] }),
    ...(status && { status: status as ClientFilters["status"] }),
    ...(manager === UNASSIGNED ? { unassigned: true } : manager ? { manager_id: manager } : {}),
  };
  const clients = useAdminClients(filters);
  const total = clients.data?.total ?? 0;
  const filter = (set: (value: string) => void) => (value: string) => {
    set(value);
    setOffset(0);
  };

  return (
    <Card testId="clients">
      <h2 className="mb-4 text-lg font-semibold">{t("admin.clients.title")}</h2>
      <div className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <TextField label={t("admin.clients.search")} type="search" value={q} placeholder={t("admin.clients.searchHint")}
          onChange={(e) => filter(setQ)(e.target.value)} />
        <SelectField label={t("admin.clients.plan")} value={plan} onChange={(e) => filter(setPlan)(e.target.value)}>
          <option value="">{t("admin.clients.any")}</option>
          {PLANS.map((p) => <option key={p} value={p}>{t(`billing.planName.${p}`)}</option>)}
        </SelectField>
        <SelectField label={t("admin.clients.status")} value={status} onChange={(e) => filter(setStatus)(e.target.value)}>
          <option value="">{t("admin.clients.any")}</option>
          {STATUSES.map((s) => <option key={s} value={s}>{t(`billing.status.${s}`)}</option>)}
        </SelectField>
        <SelectField label={t("admin.clients.manager")} value={manager} onChange={(e) => filter(setManager)(e.target.value)}>
          <option value="">{t("admin.clients.any")}</option>
          <option value={UNASSIGNED}>{t("admin.clients.noManager")}</option>
          {managers.data?.items.map((m) => <option key={m.id} value={m.id}>{m.full_name}</option>)}
        </SelectField>
      </div>
      <ErrorAlert error={clients.error ?? assign.error} />
      {clients.isPending && <Spinner label={t("admin.loading")} />}
      {clients.data && total === 0 && <p className="py-6 text-center text-sm text-slate-500">{t("admin.clients.none")}</p>}
      {clients.data && total > 0 && (
        <div className="relative -mx-5 overflow-x-auto">
          <table className="min-w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-5 py-2 font-medium">{t("admin.clients.business")}</th>
                <th className="px-3 py-2 font-medium">{t("admin.clients.plan")}</th>
                <th className="px-3 py-2 font-medium">{t("admin.clients.status")}</th>
                <th className="px-3 py-2 font-medium">{t("admin.clients.renews")}</th>
                <th className="px-3 py-2 font-medium">{t("admin.clients.manager")}</th>
                <th className="px-5 py-2"><span className="sr-only">{t("admin.clients.actions")}</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {clients.data.items.map((client) => (
                <tr key={client.id} data-testid="client-row">
                  <td className="max-w-[16rem] px-5 py-2">
                    <div className="truncate font-medium text-slate-900">{client.full_name || client.email}</div>
                    <div className="truncate text-slate-500">{client.email}</div>
                  </td>
                  <td className="whitespace-nowrap px-3 py-2">{t(`billing.planName.${client.plan as (typeof PLANS)[number]}`)}</td>
                  <td className="whitespace-nowrap px-3 py-2">{t(`billing.status.${client.subscription_status as (typeof STATUSES)[number]}`)}</td>
                  <td className="whitespace-nowrap px-3 py-2">
                    {shortDate(client.plan === "TRIAL" ? client.trial_ends_at : client.subscription_ends_at, language)}
                  </td>
                  <td className="px-3 py-2">
                    <select
                      aria-label={t("admin.clients.assignTo", { email: client.email })}
                      className="w-40 rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm"
                      value={client.manager_id ?? ""}
                      disabled={assign.isPending}
                      onChange={(e) => assign.mutate({ clientId: client.id, managerId: e.target.value || null })}
                    >
                      <option value="">{t("admin.clients.noManager")}</option>
                      {managers.data?.items.map((m) => <option key={m.id} value={m.id}>{m.full_name}</option>)}
                    </select>
                  </td>
                  <td className="whitespace-nowrap px-5 py-2 text-right">
                    <Button variant="secondary" className="!py-1.5" onClick={() => setEditing(client)}>
                      {t("admin.clients.editPlan")}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {total > PAGE && (
        <div className="mt-4 flex items-center justify-between text-sm text-slate-600">
          <span>{t("admin.clients.range", { from: offset + 1, to: Math.min(offset + PAGE, total), total })}</span>
          <div className="flex gap-2">
            <Button variant="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              {t("admin.previous")}
            </Button>
            <Button variant="secondary" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
              {t("admin.next")}
            </Button>
          </div>
        </div>
      )}
      {editing && <PlanOverride client={editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}

import { useState } from "react";
import { Link } from "react-router-dom";

import { useI18n } from "../../i18n";
import { useManagerClients } from "../../queries/admin";
import { Button, Card, ErrorAlert, Spinner, TextField } from "../ui";
import { PLANS, shortDate, STATUSES } from "./fields";

const PAGE = 20;

/** A manager's businesses (only theirs), with plan, status and renewal, and where to help them: the chat and
 * their vault. */
export function MyClients() {
  const { t, language } = useI18n();
  const [q, setQ] = useState("");
  const [offset, setOffset] = useState(0);
  const clients = useManagerClients(q.trim(), offset, PAGE);
  const total = clients.data?.total ?? 0;
  return (
    <Card testId="my-clients">
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <h2 className="text-lg font-semibold">{t("admin.manager.clients")}</h2>
        <div className="w-full sm:w-72">
          <TextField label={t("admin.clients.search")} type="search" value={q} placeholder={t("admin.clients.searchHint")}
            onChange={(e) => { setQ(e.target.value); setOffset(0); }} />
        </div>
      </div>
      {clients.isPending && <Spinner label={t("admin.loading")} />}
      <ErrorAlert error={clients.error} />
      {clients.data && total === 0 && (
        <p className="py-6 text-center text-sm text-slate-500">{q ? t("admin.clients.none") : t("admin.manager.noClients")}</p>
      )}
      <ul className="divide-y divide-slate-100">
        {clients.data?.items.map((client) => (
          <li key={client.id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="client-row">
            <div className="min-w-0 text-sm">
              <div className="truncate font-medium text-slate-900">{client.full_name || client.email}</div>
              <div className="truncate text-slate-500">{client.email}</div>
              <div className="mt-1 flex flex-wrap gap-x-3 gap-y-1 text-slate-600">
                <span>{t(`billing.planName.${client.plan as (typeof PLANS)[number]}`)}</span>
                <span>{t(`billing.status.${client.subscription_status as (typeof STATUSES)[number]}`)}</span>
                <span>
                  {client.plan === "TRIAL"
                    ? t("admin.manager.trialEnds", { date: shortDate(client.trial_ends_at, language) })
                    : t("admin.manager.renews", { date: shortDate(client.subscription_ends_at, language) })}
                </span>
              </div>
            </div>
            <div className="flex gap-2">
              <Link to={`/support?client_id=${client.id}`} className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">
                {t("admin.manager.chat")}
              </Link>
              <Link to={`/vault?client_id=${client.id}`} className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">
                {t("admin.manager.vault")}
              </Link>
            </div>
          </li>
        ))}
      </ul>
      {total > PAGE && (
        <div className="mt-4 flex items-center justify-between text-sm text-slate-600">
          <span>{t("admin.clients.range", { from: offset + 1, to: Math.min(offset + PAGE, total), total })}</span>
          <div className="flex gap-2">
            <Button variant="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>{t("admin.previous")}</Button>
            <Button variant="secondary" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>{t("admin.next")}</Button>
          </div>
        </div>
      )}
    </Card>
  );
}

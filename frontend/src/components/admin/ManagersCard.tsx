import { useState, type FormEvent } from "react";

import { useI18n } from "../../i18n";
import { useCreateManager, useManagers } from "../../queries/admin";
import { pluralForm } from "../billing/plural";
import { Alert, Button, Card, ErrorAlert, fieldError, Spinner, TextField } from "../ui";

/** The managers with how many businesses each has, and a form to add one. */
export function ManagersCard() {
  const { t, language } = useI18n();
  const managers = useManagers();
  const create = useCreateManager();
  const [adding, setAdding] = useState(false);
  const [form, setForm] = useState({ email: "", full_name: "", password: "" });

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(form, {
      onSuccess: () => {
        setForm({ email: "", full_name: "", password: "" });
        setAdding(false);
      },
    });
  }

  return (
    <Card testId="managers">
      <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">{t("admin.managers.title")}</h2>
        {!adding && (
          <Button variant="secondary" onClick={() => setAdding(true)}>
            {t("admin.managers.add")}
          </Button>
        )}
      </div>
      {create.isSuccess && !adding && <Alert kind="success">{t("admin.managers.created")}</Alert>}
      {adding && (
        <form onSubmit={submit} className="mb-4 grid gap-3 sm:grid-cols-3" aria-label={t("admin.managers.add")}>
          <TextField label={t("admin.managers.name")} value={form.full_name} required maxLength={200}
            onChange={(e) => setForm({ ...form, full_name: e.target.value })} error={fieldError(create.error, "full_name")} />
          <TextField label={t("admin.managers.email")} type="email" value={form.email} required
            onChange={(e) => setForm({ ...form, email: e.target.value })} error={fieldError(create.error, "email")} />
          <TextField label={t("admin.managers.password")} type="password" value={form.password} required autoComplete="new-password"
            onChange={(e) => setForm({ ...form, password: e.target.value })} error={fieldError(create.error, "password")} />
          <div className="flex gap-2 sm:col-span-3">
            <Button type="submit" disabled={create.isPending}>{t("admin.managers.create")}</Button>
            <Button type="button" variant="ghost" onClick={() => setAdding(false)}>{t("admin.cancel")}</Button>
          </div>
          {create.error && !fieldError(create.error, "email") && <div className="sm:col-span-3"><ErrorAlert error={create.error} /></div>}
        </form>
      )}
      {managers.isPending && <Spinner label={t("admin.loading")} />}
      <ErrorAlert error={managers.error} />
      {managers.data && managers.data.items.length === 0 && <p className="text-sm text-slate-500">{t("admin.managers.none")}</p>}
      <ul className="divide-y divide-slate-100">
        {managers.data?.items.map((manager) => (
          <li key={manager.id} className="flex items-center justify-between gap-3 py-2 text-sm" data-testid="manager-row">
            <div className="min-w-0">
              <div className="truncate font-medium text-slate-900">{manager.full_name}</div>
              <div className="truncate text-slate-500">{manager.email}</div>
            </div>
            <span className="shrink-0 rounded-full bg-slate-100 px-2.5 py-0.5 text-xs font-medium text-slate-700">
              {t(`admin.managers.clients.${pluralForm(manager.client_count, language)}`, { count: manager.client_count })}
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}

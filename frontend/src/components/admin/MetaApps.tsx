import { useState, type FormEvent } from "react";

import { useI18n } from "../../i18n";
import {
  useAddMetaApp,
  useDeleteMetaApp,
  useEditMetaApp,
  useMetaApps,
  type MetaApp,
  type MetaAppCreate,
} from "../../queries/admin";
import { Button, Card, ErrorAlert, fieldError, Spinner, TextField } from "../ui";
import { SelectField } from "./fields";

const PRODUCTS = ["messenger", "instagram"] as const;
const APP_STATUSES = ["in_review", "live", "disabled"] as const;
type Product = (typeof PRODUCTS)[number];

const EMPTY: MetaAppCreate = { name: "", app_id: "", app_secret: "", products: ["messenger", "instagram"], status: "in_review", capacity: 100 };

function AddMetaApp({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const add = useAddMetaApp();
  const [form, setForm] = useState<MetaAppCreate>(EMPTY);
  const products = form.products as Product[];
  const toggle = (product: Product) =>
    setForm({ ...form, products: products.includes(product) ? products.filter((p) => p !== product) : [...products, product] });

  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate(form, { onSuccess: onDone });
  }

  return (
    <form onSubmit={submit} className="mb-4 grid gap-3 rounded-lg border border-slate-200 p-4 sm:grid-cols-2" aria-label={t("admin.meta.add")}>
      <TextField label={t("admin.meta.name")} value={form.name} required maxLength={200}
        onChange={(e) => setForm({ ...form, name: e.target.value })} error={fieldError(add.error, "name")} />
      <TextField label={t("admin.meta.appId")} value={form.app_id} required inputMode="numeric" pattern="[0-9]{5,32}"
        onChange={(e) => setForm({ ...form, app_id: e.target.value })} error={fieldError(add.error, "app_id")} />
      <TextField label={t("admin.meta.secret")} type="password" autoComplete="off" value={form.app_secret} required
        onChange={(e) => setForm({ ...form, app_secret: e.target.value })} hint={t("admin.meta.secretHint")}
        error={fieldError(add.error, "app_secret")} />
      <TextField label={t("admin.meta.capacity")} type="number" min={1} max={100000} value={form.capacity} required
        onChange={(e) => setForm({ ...form, capacity: Number(e.target.value) })} error={fieldError(add.error, "capacity")} />
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-700">{t("admin.meta.products")}</legend>
        {PRODUCTS.map((product) => (
          <label key={product} className="mr-4 inline-flex items-center gap-2 text-sm">
            <input type="checkbox" checked={products.includes(product)} onChange={() => toggle(product)} />
            {t(`admin.meta.product.${product}`)}
          </label>
        ))}
      </fieldset>
      <SelectField label={t("admin.meta.status")} value={form.status}
        onChange={(e) => setForm({ ...form, status: e.target.value as MetaAppCreate["status"] })}>
        {APP_STATUSES.map((s) => <option key={s} value={s}>{t(`admin.meta.status.${s}`)}</option>)}
      </SelectField>
      <div className="sm:col-span-2"><ErrorAlert error={add.error} /></div>
      <div className="flex gap-2 sm:col-span-2">
        <Button type="submit" disabled={add.isPending || products.length === 0}>{t("admin.meta.save")}</Button>
        <Button type="button" variant="ghost" onClick={onDone}>{t("admin.cancel")}</Button>
      </div>
    </form>
  );
}

function MetaAppRow({ app }: { app: MetaApp }) {
  const { t } = useI18n();
  const edit = useEditMetaApp();
  const remove = useDeleteMetaApp();
  const [confirmDelete, setConfirmDelete] = useState(false);
  return (
    <li className="space-y-2 py-3" data-testid="meta-app-row">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 text-sm">
          <div className="font-medium text-slate-900">{app.name}</div>
          <div className="text-slate-500">
            {t("admin.meta.appIdValue", { id: app.app_id })} · {t("admin.meta.secretValue", { masked: app.app_secret })}
          </div>
          <div className="text-slate-500">
            {app.products.map((p) => t(`admin.meta.product.${p}`)).join(", ")} ·{" "}
            {t("admin.meta.load", { assigned: app.businesses_assigned, capacity: app.capacity })}
          </div>
        </div>
        <div className="flex items-center gap-2">
          <select
            aria-label={t("admin.meta.statusOf", { name: app.name })}
            className="rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm"
            value={app.status}
            disabled={edit.isPending}
            onChange={(e) => edit.mutate({ id: app.id, body: { status: e.target.value as MetaApp["status"] } })}
          >
            {APP_STATUSES.map((s) => <option key={s} value={s}>{t(`admin.meta.status.${s}`)}</option>)}
          </select>
          {confirmDelete ? (
            <>
              <Button variant="danger" className="!py-1.5" disabled={remove.isPending}
                onClick={() => remove.mutate(app.id, { onSettled: () => setConfirmDelete(false) })}>
                {t("admin.meta.confirmDelete")}
              </Button>
              <Button variant="ghost" className="!py-1.5" onClick={() => setConfirmDelete(false)}>{t("admin.cancel")}</Button>
            </>
          ) : (
            <Button variant="ghost" className="!py-1.5" onClick={() => setConfirmDelete(true)}>{t("admin.meta.delete")}</Button>
          )}
        </div>
      </div>
      <ErrorAlert error={edit.error ?? remove.error} />
    </li>
  );
}

/** The pool of pre-reviewed Meta apps businesses log in to Facebook and Instagram with (SPEC.md R-CH4). */
export function MetaApps() {
  const { t } = useI18n();
  const apps = useMetaApps();
  const [adding, setAdding] = useState(false);
  return (
    <Card testId="meta-apps">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 className="text-lg font-semibold">{t("admin.meta.title")}</h2>
          <p className="text-sm text-slate-600">{t("admin.meta.subtitle")}</p>
        </div>
        {!adding && <Button variant="secondary" onClick={() => setAdding(true)}>{t("admin.meta.add")}</Button>}
      </div>
      {adding && <AddMetaApp onDone={() => setAdding(false)} />}
      {apps.isPending && <Spinner label={t("admin.loading")} />}
      <ErrorAlert error={apps.error} />
      {apps.data?.items.length === 0 && !adding && <p className="py-4 text-sm text-slate-500">{t("admin.meta.none")}</p>}
      <ul className="divide-y divide-slate-100">
        {apps.data?.items.map((app) => <MetaAppRow key={app.id} app={app} />)}
      </ul>
    </Card>
  );
}

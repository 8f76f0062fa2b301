import { useState, type FormEvent } from "react";

import { useI18n } from "../../i18n";
import { useUpdateRow, type KbRow } from "../../queries/kb";
import { Button, ErrorAlert, TextField, fieldError } from "../ui";

export function RowEditor({ kbId, row, onDone }: { kbId: string; row: KbRow; onDone: () => void }) {
  const { t } = useI18n();
  const update = useUpdateRow(kbId);
  const [name, setName] = useState(row.name);
  const [description, setDescription] = useState(row.description);
  const [price, setPrice] = useState(row.price ?? "");
  const [currency, setCurrency] = useState(row.currency ?? "");
  const [sku, setSku] = useState(row.sku ?? "");

  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      {
        rowId: row.id,
        body: {
          name,
          description,
          price: price.trim() === "" ? null : price.replace(",", "."),
          currency: currency.trim() ? currency.trim().toUpperCase() : null,
          sku: sku.trim() || null,
        },
      },
      { onSuccess: onDone },
    );
  };
  return (
    <form onSubmit={submit} className="space-y-3 rounded-lg border border-brand-100 bg-brand-50/40 p-4" aria-label={t("kb.edit")}>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label={t("kb.name")} value={name} onChange={(e) => setName(e.target.value)} error={fieldError(update.error, "name")} />
        <TextField label={t("kb.sku")} value={sku} onChange={(e) => setSku(e.target.value)} error={fieldError(update.error, "sku")} />
        <TextField label={t("kb.price")} inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} error={fieldError(update.error, "price")} />
        <TextField label={t("kb.currency")} maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value)} error={fieldError(update.error, "currency")} />
      </div>
      <label className="block space-y-1 text-sm font-medium text-slate-700">
        <span>{t("kb.description")}</span>
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={3} className="block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm" />
      </label>
      {update.error && update.error.type !== "ValidationError" ? <ErrorAlert error={update.error} /> : null}
      <div className="flex gap-2">
        <Button type="submit" disabled={update.isPending}>{t("common.save")}</Button>
        <Button type="button" variant="secondary" onClick={onDone}>{t("common.cancel")}</Button>
      </div>
    </form>
  );
}

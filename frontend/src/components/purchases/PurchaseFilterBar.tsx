import { useState } from "react";

import { useI18n } from "../../i18n";
import type { Company } from "../../queries/companies";
import type { MessageKey } from "../../i18n/en";
import { downloadPurchasesCsv, LEAD_SOURCES, PURCHASE_STATUSES, type PurchaseFilters, type PurchaseStatus } from "../../queries/purchases";
import { Button, ErrorAlert } from "../ui";
import { hasFilters } from "./useFiltersInUrl";

const FIELD = "block h-10 w-full rounded-lg border border-slate-300 bg-white px-3 text-sm";

const SOURCE_WORDS: Record<(typeof LEAD_SOURCES)[number], MessageKey> = {
  tiktok: "channel.tiktok",
  meta_ads: "tiktok.leadSource.meta_ads",
  none: "tiktok.leadSource.none",
};

/** Company, status, lead source and period (days, `to` included) of the purchase log, with clearing and a CSV of what it shows. */
export function PurchaseFilterBar({
  companies,
  filters,
  onChange,
  periodError,
  empty,
}: {
  companies: Company[];
  filters: PurchaseFilters;
  onChange: (next: PurchaseFilters) => void;
  periodError: string | undefined;
  empty: boolean; // nothing to export
}) {
  const { t } = useI18n();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);

  async function exportCsv() {
    setExporting(true);
    setExportError(null);
    try {
      await downloadPurchasesCsv(filters, `purchases-${new Date().toISOString().slice(0, 10)}.csv`);
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  }

  return (
    <div className="space-y-3" data-testid="purchase-filters">
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:flex lg:flex-wrap lg:items-end">
        {companies.length > 1 && (
          <label className="col-span-2 space-y-1 text-sm font-medium text-slate-700 sm:col-span-1 lg:w-56">
            <span className="block">{t("kb.company")}</span>
            <select value={filters.company ?? ""} onChange={(e) => onChange({ ...filters, company: e.target.value || undefined })} className={FIELD}>
              <option value="">{t("payments.purchases.allCompanies")}</option>
              {companies.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="col-span-2 space-y-1 text-sm font-medium text-slate-700 sm:col-span-1 lg:w-44">
          <span className="block">{t("payments.purchases.status")}</span>
          <select
            value={filters.status ?? ""}
            onChange={(e) => onChange({ ...filters, status: (e.target.value || undefined) as PurchaseStatus | undefined })}
            className={FIELD}
          >
            <option value="">{t("payments.purchases.allStatuses")}</option>
            {PURCHASE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`payments.order.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="col-span-2 space-y-1 text-sm font-medium text-slate-700 sm:col-span-1 lg:w-44">
          <span className="block">{t("tiktok.leadSource.label")}</span>
          <select
            value={filters.source ?? ""}
            onChange={(e) => onChange({ ...filters, source: e.target.value || undefined })}
            className={FIELD}
            data-testid="purchase-source-filter"
          >
            <option value="">{t("tiktok.leadSource.all")}</option>
            {LEAD_SOURCES.map((s) => (
              <option key={s} value={s}>
                {t(SOURCE_WORDS[s])}
              </option>
            ))}
          </select>
        </label>
        <label className="space-y-1 text-sm font-medium text-slate-700 lg:w-40">
          <span className="block">{t("payments.purchases.from")}</span>
          <input
            type="date"
            value={filters.from ?? ""}
            max={filters.to}
            onChange={(e) => onChange({ ...filters, from: e.target.value || undefined })}
            aria-invalid={periodError ? true : undefined}
            className={FIELD}
          />
        </label>
        <label className="space-y-1 text-sm font-medium text-slate-700 lg:w-40">
          <span className="block">{t("payments.purchases.to")}</span>
          <input
            type="date"
            value={filters.to ?? ""}
            min={filters.from}
            onChange={(e) => onChange({ ...filters, to: e.target.value || undefined })}
            aria-invalid={periodError ? true : undefined}
            className={FIELD}
          />
        </label>
        <div className="col-span-2 flex flex-wrap items-center gap-2 sm:col-span-4 lg:ml-auto">
          {hasFilters(filters) && (
            <Button variant="ghost" onClick={() => onChange({})}>
              {t("conversations.filtersClear")}
            </Button>
          )}
          <Button variant="secondary" onClick={() => void exportCsv()} disabled={exporting || empty || Boolean(periodError)}>
            {exporting ? t("payments.purchases.exporting") : t("payments.purchases.export")}
          </Button>
        </div>
      </div>
      {periodError && (
        <p className="text-sm text-red-600" role="alert">
          {periodError}
        </p>
      )}
      <ErrorAlert error={exportError} />
    </div>
  );
}

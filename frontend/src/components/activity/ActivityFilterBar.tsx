import { useI18n } from "../../i18n";
import {
  ACTIVITY_KINDS,
  ACTIVITY_STATUSES,
  type ActivityFilters,
  type ActivityKind,
  type ActivityStatus,
} from "../../queries/activity";
import type { Company } from "../../queries/companies";

const SELECT = "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm";

export function ActivityFilterBar({ companies, filters, onChange }: {
  companies: Company[];
  filters: ActivityFilters;
  onChange: (filters: ActivityFilters) => void;
}) {
  const { t } = useI18n();
  return (
    <div className="grid gap-3 sm:grid-cols-3">
      {companies.length > 1 && (
        <label className="text-sm font-medium text-slate-700">
          {t("activity.filter.company")}
          <select
            className={SELECT}
            value={filters.company ?? ""}
            onChange={(e) => onChange({ ...filters, company: e.target.value || undefined })}
          >
            <option value="">{t("activity.filter.allCompanies")}</option>
            {companies.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="text-sm font-medium text-slate-700">
        {t("activity.filter.status")}
        <select
          className={SELECT}
          value={filters.status ?? ""}
          onChange={(e) => onChange({ ...filters, status: (e.target.value || undefined) as ActivityStatus | undefined })}
        >
          <option value="">{t("activity.filter.any")}</option>
          {ACTIVITY_STATUSES.map((status) => (
            <option key={status} value={status}>
              {t(`activity.status.${status}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm font-medium text-slate-700">
        {t("activity.filter.kind")}
        <select
          className={SELECT}
          value={filters.kind ?? ""}
          onChange={(e) => onChange({ ...filters, kind: (e.target.value || undefined) as ActivityKind | undefined })}
        >
          <option value="">{t("activity.filter.any")}</option>
          {ACTIVITY_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`activity.kind.${kind}`)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

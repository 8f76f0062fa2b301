import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import type { Company } from "../../queries/companies";
import type { Granularity } from "./useOverview";

export const RANGES = [7, 30, 90, 365] as const;
export type RangeDays = (typeof RANGES)[number];

const RANGE_KEYS: Record<RangeDays, MessageKey> = {
  7: "metrics.filter.last7",
  30: "metrics.filter.last30",
  90: "metrics.filter.last90",
  365: "metrics.filter.last365",
};
const GRANULARITY_KEYS: Record<Granularity, MessageKey> = {
  day: "metrics.filter.day",
  week: "metrics.filter.week",
  month: "metrics.filter.month",
};

export interface FilterState {
  days: RangeDays;
  granularity: Granularity;
  companyId: string;
  channel: string;
}

const SELECT = "block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm";

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <label className="block min-w-0 text-sm">
      <span className="mb-1 block font-medium text-slate-700">{label}</span>
      {children}
    </label>
  );
}

/** Period, grouping, company and channel of the Metrics page. */
export function MetricsFilters({
  value,
  onChange,
  companies,
}: {
  value: FilterState;
  onChange: (next: FilterState) => void;
  companies: Company[];
}) {
  const { t } = useI18n();
  const chosen = companies.find((c) => c.id === value.companyId);
  const channels = [...new Set((chosen ? [chosen] : companies).flatMap((c) => ["web", ...c.channels]))].sort();
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="metrics-filters">
      <Field label={t("metrics.filter.period")}>
        <select className={SELECT} value={value.days} onChange={(e) => onChange({ ...value, days: Number(e.target.value) as RangeDays })} data-testid="metrics-period">
          {RANGES.map((days) => (
            <option key={days} value={days}>
              {t(RANGE_KEYS[days])}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("metrics.filter.granularity")}>
        <select className={SELECT} value={value.granularity} onChange={(e) => onChange({ ...value, granularity: e.target.value as Granularity })} data-testid="metrics-granularity">
          {(Object.keys(GRANULARITY_KEYS) as Granularity[]).map((g) => (
            <option key={g} value={g}>
              {t(GRANULARITY_KEYS[g])}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("metrics.filter.company")}>
        <select className={SELECT} value={value.companyId} onChange={(e) => onChange({ ...value, companyId: e.target.value, channel: "" })} data-testid="metrics-company">
          <option value="">{t("metrics.filter.allCompanies")}</option>
          {companies.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("metrics.filter.channel")}>
        <select className={SELECT} value={value.channel} onChange={(e) => onChange({ ...value, channel: e.target.value })} data-testid="metrics-channel">
          <option value="">{t("metrics.filter.allChannels")}</option>
          {channels.map((c) => (
            <option key={c} value={c}>
              {t(`channel.${c}` as MessageKey) ?? c}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}

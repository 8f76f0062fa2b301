import { Link } from "react-router-dom";

import { useI18n } from "../../i18n";

export type CardDays = 7 | 30;

/** The days the company cards' figures cover (7 or 30, ending today), and the way to the Metrics page. */
export function CardPeriod({ days, onChange }: { days: CardDays; onChange: (days: CardDays) => void }) {
  const { t } = useI18n();
  const option = (value: CardDays, label: string) => (
    <button
      type="button"
      aria-pressed={days === value}
      onClick={() => onChange(value)}
      className={`rounded-md px-3 py-1.5 text-sm font-medium ${days === value ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"}`}
    >
      {label}
    </button>
  );
  return (
    <div className="flex flex-wrap items-center justify-between gap-3" data-testid="card-period">
      <div className="flex items-center gap-2 text-sm text-slate-600">
        <span>{t("metrics.card.range")}</span>
        <div className="inline-flex rounded-lg bg-slate-100 p-1">
          {option(7, t("metrics.card.last7"))}
          {option(30, t("metrics.card.last30"))}
        </div>
      </div>
      <Link to="/metrics" className="text-sm font-semibold text-brand-600 hover:underline">
        {t("metrics.card.details")}
      </Link>
    </div>
  );
}

import { useI18n, type Language } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import type { PlatformStats } from "../../queries/admin";

function usd(value: string, language: Language): string {
  return new Intl.NumberFormat(language, { style: "currency", currency: "USD" }).format(Number(value));
}

function percent(rate: number, language: Language): string {
  return new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 1 }).format(rate);
}

/** The business figures of GET /admin/stats or /managers/stats as cards; `platform` adds the user counts only the
 * admin's figures mean something for. */
export function StatsCards({ stats, platform }: { stats: PlatformStats; platform: boolean }) {
  const { t, language } = useI18n();
  const cards: [MessageKey, string, MessageKey?][] = [
    ...(platform
      ? ([
          ["admin.stats.totalUsers", String(stats.total_users)],
          ["admin.stats.managers", String(stats.managers)],
        ] as [MessageKey, string][])
      : []),
    ["admin.stats.clients", String(stats.clients)],
    ["admin.stats.activeSubscriptions", String(stats.active_subscriptions)],
    ["admin.stats.trialUsers", String(stats.trial_users)],
    ["admin.stats.mrr", usd(stats.mrr, language), "admin.stats.mrrHint"],
    ["admin.stats.monthlyRevenue", usd(stats.monthly_revenue, language), "admin.stats.monthlyRevenueHint"],
    ["admin.stats.churned", String(stats.churned_this_month), "admin.stats.churnedHint"],
    [
      "admin.stats.conversion",
      stats.trial_conversion_rate === null ? "—" : percent(stats.trial_conversion_rate, language),
      "admin.stats.conversionHint",
    ],
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4" data-testid="stats">
      {cards.map(([label, value, hint]) => (
        <div key={label} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" title={hint ? t(hint) : undefined}>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{t(label)}</dt>
          <dd className="mt-1 text-2xl font-semibold text-slate-900" data-testid={`stat-${label.split(".").pop()}`}>
            {value}
          </dd>
          {hint && <p className="mt-1 text-xs text-slate-500">{t(hint)}</p>}
        </div>
      ))}
    </dl>
  );
}

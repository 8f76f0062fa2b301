import { useI18n, type Language } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import type { ActivePlan } from "../../queries/subscriptions";
import { usePortal } from "../../queries/subscriptions";
import { Alert, Button, ErrorAlert } from "../ui";
import { formatDate, pluralForm } from "./plural";

const STATUS_STYLE: Record<ActivePlan["status"], string> = {
  trialing: "bg-sky-50 text-sky-800 ring-sky-200",
  active: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  past_due: "bg-amber-50 text-amber-900 ring-amber-200",
  canceled: "bg-red-50 text-red-800 ring-red-200",
  expired: "bg-red-50 text-red-800 ring-red-200",
};

const DAY = 24 * 60 * 60 * 1000;

function trialLine(active: ActivePlan, language: Language, t: (key: MessageKey, p?: Record<string, string | number>) => string) {
  if (active.plan !== "TRIAL" || !active.trial_ends_at || active.status !== "trialing") return null;
  const days = Math.ceil((new Date(active.trial_ends_at).getTime() - Date.now()) / DAY);
  if (days <= 1 && new Date(active.trial_ends_at).toDateString() === new Date().toDateString()) {
    return t("billing.trial.endsToday");
  }
  const count = Math.max(days, 1);
  return t(`billing.trial.daysLeft.${pluralForm(count, language)}`, { count });
}

/** The plan as it stands now: name, status, trial countdown, channels used of the limit, and the portal. */
export function CurrentPlan({ active }: { active: ActivePlan }) {
  const { t, language } = useI18n();
  const portal = usePortal();
  const limit = active.channel_limit;
  const lapsed = active.status === "canceled" || active.status === "expired";
  const countdown = trialLine(active, language, t);
  const full = limit !== null && active.channels_used >= limit;
  return (
    <div className="space-y-4" data-testid="current-plan">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="text-xl font-bold" data-testid="plan-name">
          {t(`billing.planName.${active.plan}`)}
        </span>
        <span
          className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ${STATUS_STYLE[active.status]}`}
          data-testid="plan-status"
        >
          {t(`billing.status.${active.status}`)}
        </span>
      </div>
      {countdown && (
        <p className="text-sm font-medium text-sky-800" data-testid="trial-countdown">
          {countdown}
          {active.trial_ends_at && (
            <span className="font-normal text-slate-500"> · {t("billing.trial.ends", { date: formatDate(active.trial_ends_at, language) })}</span>
          )}
        </p>
      )}
      {active.current_period_end && active.subscription_id && !lapsed && (
        <p className="text-sm text-slate-600">
          {t(active.cancel_at_period_end ? "billing.endsAt" : "billing.renews", {
            date: formatDate(active.current_period_end, language),
          })}
        </p>
      )}
      {active.status === "past_due" && active.past_due_until && (
        <Alert kind="warning">{t("billing.pastDue", { date: formatDate(active.past_due_until, language) })}</Alert>
      )}
      {lapsed && <Alert kind="warning">{t("billing.lapsed")}</Alert>}

      <div data-testid="plan-usage">
        <div className="flex items-baseline justify-between text-sm">
          <span className="text-slate-600">{t("billing.usage")}</span>
          <span className="font-semibold">
            {limit === null
              ? t("billing.usage.unlimited", { used: active.channels_used })
              : t("billing.usage.of", { used: active.channels_used, limit })}
          </span>
        </div>
        {limit !== null && limit > 0 && (
          <div
            className="mt-2 h-2 overflow-hidden rounded-full bg-slate-100"
            role="progressbar"
            aria-label={t("billing.usage")}
            aria-valuemin={0}
            aria-valuemax={limit}
            aria-valuenow={Math.min(active.channels_used, limit)}
          >
            <div
              className={`h-full rounded-full ${full ? "bg-amber-500" : "bg-brand-600"}`}
              style={{ width: `${Math.min(100, (active.channels_used / limit) * 100)}%` }}
            />
          </div>
        )}
      </div>

      {active.has_billing_account && (
        <div className="flex flex-wrap items-center gap-3">
          <Button
            type="button"
            variant="secondary"
            disabled={portal.isPending}
            onClick={() => portal.mutate(undefined, { onSuccess: ({ url }) => window.location.assign(url) })}
            data-testid="billing-portal"
          >
            {t("billing.portal")}
          </Button>
          <span className="text-xs text-slate-500">{t("billing.portal.hint")}</span>
        </div>
      )}
      <ErrorAlert error={portal.error} />
    </div>
  );
}

import { useI18n } from "../../i18n";
import { ACTIVITY_KINDS, useRetryActivity, type ActivityItem, type ActivityKind } from "../../queries/activity";
import { Button, ErrorAlert } from "../ui";

const STATUS_STYLE: Record<ActivityItem["status"], string> = {
  ok: "bg-emerald-100 text-emerald-800",
  error: "bg-red-100 text-red-800",
  pending: "bg-amber-100 text-amber-800",
};

/** One sync: when, what, its outcome and why it failed, with Retry when a retry can help. */
export function ActivityRow({ item, companyName }: { item: ActivityItem; companyName?: string }) {
  const { t, language } = useI18n();
  const retry = useRetryActivity();
  const known = (ACTIVITY_KINDS as readonly string[]).includes(item.kind);
  const kind = known ? t(`activity.kind.${item.kind as ActivityKind}`) : item.kind;
  return (
    <li className="flex flex-col gap-2 p-4 sm:flex-row sm:items-start sm:justify-between" data-testid="activity-row">
      <div className="min-w-0 space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[item.status]}`}>
            {t(`activity.status.${item.status}`)}
          </span>
          <span className="font-medium text-slate-900">{kind}</span>
          {companyName && <span className="text-sm text-slate-500">· {companyName}</span>}
        </div>
        {item.detail && <p className="break-words text-sm text-slate-600">{item.detail}</p>}
        <p className="text-xs text-slate-500">
          {new Date(item.at).toLocaleString(language)}
          {item.attempts > 1 && ` · ${t("activity.attempts", { n: item.attempts })}`}
        </p>
        {retry.isSuccess && item.status !== "ok" && <p className="text-xs text-slate-600">{t("activity.retried")}</p>}
        <ErrorAlert error={retry.error} />
      </div>
      {item.retryable && (
        <Button variant="secondary" onClick={() => retry.mutate(item.id)} disabled={retry.isPending}>
          {retry.isPending ? t("activity.retrying") : t("activity.retry")}
        </Button>
      )}
    </li>
  );
}

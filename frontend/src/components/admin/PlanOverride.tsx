import { useState, type FormEvent } from "react";

import { useI18n } from "../../i18n";
import { useOverrideClient, type Client, type ClientLimits } from "../../queries/admin";
import { Alert, Button, ErrorAlert, fieldError, TextField } from "../ui";
import { PLANS, SelectField, shortDate } from "./fields";

/** `<input type="datetime-local">`'s value for an ISO time, in the browser's zone. */
function localInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** Only what the admin changed: the server changes only the fields sent (PATCH /admin/clients/{id}). */
function changesOf(client: Client, plan: string, trialEnd: string, channelLimit: string): ClientLimits {
  const changes: ClientLimits = {};
  if (plan !== client.plan) changes.plan = plan as ClientLimits["plan"];
  if (trialEnd && trialEnd !== localInput(client.trial_ends_at)) changes.trial_ends_at = new Date(trialEnd).toISOString();
  const limit = channelLimit.trim() === "" ? null : Number(channelLimit);
  if (limit !== (client.channel_limit_override ?? null)) changes.channel_limit_override = limit;
  return changes;
}

/** The admin's plan override for one business, applied only after a confirmation that lists the changes. */
export function PlanOverride({ client, onClose }: { client: Client; onClose: () => void }) {
  const { t, language } = useI18n();
  const override = useOverrideClient();
  const [plan, setPlan] = useState(client.plan);
  const [trialEnd, setTrialEnd] = useState(localInput(client.trial_ends_at));
  const [channelLimit, setChannelLimit] = useState(client.channel_limit_override?.toString() ?? "");
  const [confirming, setConfirming] = useState(false);
  const changes = changesOf(client, plan, trialEnd, channelLimit);
  const changed = Object.keys(changes).length > 0;

  function review(event: FormEvent) {
    event.preventDefault();
    if (changed) setConfirming(true);
  }

  function apply() {
    override.mutate({ clientId: client.id, body: changes }, { onSuccess: onClose, onError: () => setConfirming(false) });
  }

  return (
    <div className="fixed inset-0 z-40 flex items-end justify-center bg-slate-900/40 p-0 sm:items-center sm:p-4" role="dialog"
      aria-modal="true" aria-labelledby="plan-override-title">
      <div className="max-h-full w-full max-w-lg overflow-y-auto rounded-t-2xl bg-white p-5 shadow-xl sm:rounded-2xl">
        <h2 id="plan-override-title" className="text-lg font-semibold">{t("admin.override.title")}</h2>
        <p className="mb-4 truncate text-sm text-slate-600">{client.email}</p>
        {!confirming ? (
          <form onSubmit={review} className="space-y-3">
            <SelectField label={t("admin.clients.plan")} value={plan} onChange={(e) => setPlan(e.target.value)}>
              {PLANS.map((p) => <option key={p} value={p}>{t(`billing.planName.${p}`)}</option>)}
            </SelectField>
            <TextField label={t("admin.override.trialEnd")} type="datetime-local" value={trialEnd}
              onChange={(e) => setTrialEnd(e.target.value)} hint={t("admin.override.trialEndHint")}
              error={fieldError(override.error, "trial_ends_at")} />
            <TextField label={t("admin.override.channelLimit")} type="number" min={0} max={10000} value={channelLimit}
              onChange={(e) => setChannelLimit(e.target.value)} hint={t("admin.override.channelLimitHint")}
              error={fieldError(override.error, "channel_limit_override")} />
            <ErrorAlert error={override.error} />
            <div className="flex justify-end gap-2 pt-2">
              <Button type="button" variant="ghost" onClick={onClose}>{t("admin.cancel")}</Button>
              <Button type="submit" disabled={!changed}>{t("admin.override.review")}</Button>
            </div>
          </form>
        ) : (
          <div className="space-y-3">
            <Alert kind="warning">{t("admin.override.confirm")}</Alert>
            <ul className="list-disc space-y-1 pl-5 text-sm" data-testid="override-changes">
              {changes.plan && (
                <li>{t("admin.override.planChange", { from: t(`billing.planName.${client.plan as (typeof PLANS)[number]}`), to: t(`billing.planName.${changes.plan}`) })}</li>
              )}
              {changes.trial_ends_at && (
                <li>{t("admin.override.trialChange", { date: shortDate(changes.trial_ends_at, language) })}</li>
              )}
              {"channel_limit_override" in changes && (
                <li>
                  {changes.channel_limit_override === null
                    ? t("admin.override.limitRestored")
                    : t("admin.override.limitChange", { count: changes.channel_limit_override ?? 0 })}
                </li>
              )}
            </ul>
            <div className="flex justify-end gap-2 pt-2">
              <Button type="button" variant="ghost" onClick={() => setConfirming(false)}>{t("admin.back")}</Button>
              <Button type="button" onClick={apply} disabled={override.isPending}>{t("admin.override.apply")}</Button>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

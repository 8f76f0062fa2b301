import { useState, type FormEvent } from "react";

import { TimezonePicker } from "../components/TimezonePicker";
import { DeleteAccount } from "../components/profile/DeleteAccount";
import { Alert, Button, Card, ErrorAlert, TextField, fieldError } from "../components/ui";
import { useI18n, type Language } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { isServerTimeZone } from "../lib/timeZones";
import { useChangePassword, useMe, useUpdateProfile, type Me } from "../queries/auth";

/** The plan by its name, what it allows, and where the subscription stands (a trial with its end date). */
function PlanSummary({ me }: { me: Me }) {
  const { t, language } = useI18n();
  const date = me.trial_ends_at
    ? new Date(me.trial_ends_at).toLocaleDateString(language, { day: "numeric", month: "long", year: "numeric" })
    : null;
  const plan = t(`polish.plan.${me.plan}` as MessageKey) ?? me.plan;
  const channels =
    me.channel_limit === null
      ? t("polish.plan.channelsUnlimited")
      : t(`polish.plan.channels.${new Intl.PluralRules(language).select(me.channel_limit)}` as MessageKey, { n: me.channel_limit });
  let status = t(`polish.status.${me.subscription_status}` as MessageKey) ?? me.subscription_status;
  if (date && me.plan === "TRIAL" && me.subscription_status === "trialing") status = t("polish.status.trialingUntil", { date });
  if (date && me.plan === "TRIAL" && me.subscription_status === "expired") status = t("polish.status.expiredOn", { date });
  return (
    <section className="space-y-3" data-testid="plan-summary">
      <h2 className="text-lg font-semibold">{t("polish.profile.subscription")}</h2>
      <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
        <dt className="text-slate-500">{t("polish.profile.plan")}</dt>
        <dd className="text-slate-900">
          <span className="font-semibold">{plan}</span> · {channels}
        </dd>
        <dt className="text-slate-500">{t("polish.profile.status")}</dt>
        <dd className="text-slate-900">{status}</dd>
      </dl>
    </section>
  );
}

function DetailsForm({ me }: { me: Me }) {
  const { t, setLanguage } = useI18n();
  const [fullName, setFullName] = useState(me.full_name);
  const [language, setLang] = useState<Language>(me.language === "ru" ? "ru" : "en");
  const [timezone, setTimezone] = useState(isServerTimeZone(me.timezone) ? me.timezone : "UTC");
  const update = useUpdateProfile();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ full_name: fullName, language, timezone }, { onSuccess: () => setLanguage(language) });
  };
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <h2 className="text-lg font-semibold">{t("profile.details")}</h2>
      <TextField label={t("common.email")} value={me.email} disabled readOnly />
      <TextField label={t("common.fullName")} value={fullName} onChange={(e) => setFullName(e.target.value)} error={fieldError(update.error, "full_name")} />
      <label className="block space-y-1 text-sm font-medium text-slate-700">
        <span className="block">{t("common.language")}</span>
        <select value={language} onChange={(e) => setLang(e.target.value as Language)} className="block w-full rounded-lg border border-slate-300 bg-white px-3 py-2.5">
          <option value="en">English</option>
          <option value="ru">Русский</option>
        </select>
      </label>
      <TimezonePicker
        id="profile-timezone"
        label={t("common.timezone")}
        value={timezone}
        onChange={setTimezone}
        error={fieldError(update.error, "timezone")}
      />
      {update.isSuccess && <Alert kind="success">{t("profile.saved")}</Alert>}
      <ErrorAlert error={update.error?.type === "ValidationError" ? null : update.error} />
      <Button type="submit" disabled={update.isPending}>{t("common.save")}</Button>
    </form>
  );
}

function PasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const change = useChangePassword();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.mutate({ current_password: current || "-", new_password: next }, { onSuccess: () => { setCurrent(""); setNext(""); } });
  };
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <h2 className="text-lg font-semibold">{t("profile.changePassword")}</h2>
      {hasPassword && <TextField label={t("profile.currentPassword")} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />}
      <TextField label={t("profile.newPassword")} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} hint={t("register.passwordHint")} error={fieldError(change.error, "new_password")} />
      {change.isSuccess && <Alert kind="success">{t("profile.passwordChanged")}</Alert>}
      <ErrorAlert error={change.error?.type === "ValidationError" ? null : change.error} />
      <Button type="submit" disabled={change.isPending}>{t("common.save")}</Button>
    </form>
  );
}

export function ProfilePage() {
  const { t } = useI18n();
  const me = useMe(true);
  if (!me.data) return null;
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">{t("profile.title")}</h1>
      <Card><DetailsForm me={me.data} /></Card>
      <Card><PlanSummary me={me.data} /></Card>
      <Card><PasswordForm hasPassword={me.data.has_password} /></Card>
      {me.data.role !== "ADMIN" && <Card><DeleteAccount me={me.data} /></Card>}
    </div>
  );
}

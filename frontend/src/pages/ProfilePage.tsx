import { useState, type FormEvent } from "react";

import { Alert, Button, Card, ErrorAlert, TextField, fieldError } from "../components/ui";
import { useI18n, type Language } from "../i18n";
import { useChangePassword, useMe, useUpdateProfile, type Me } from "../queries/auth";

function DetailsForm({ me }: { me: Me }) {
  const { t, setLanguage } = useI18n();
  const [fullName, setFullName] = useState(me.full_name);
  const [language, setLang] = useState<Language>(me.language === "ru" ? "ru" : "en");
  const update = useUpdateProfile();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ full_name: fullName, language }, { onSuccess: () => setLanguage(language) });
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
      <div className="text-sm text-slate-600">
        {t("profile.plan")}: <span className="font-semibold">{me.plan}</span> ({me.subscription_status})
      </div>
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
      <Card><PasswordForm hasPassword={me.data.has_password} /></Card>
    </div>
  );
}

import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";

import { AuthLayout } from "../components/AuthLayout";
import { DevMailboxNote } from "../components/DevMailboxNote";
import { OAuthButtons } from "../components/OAuthButtons";
import { Button, ErrorAlert, TextField, fieldError } from "../components/ui";
import { useI18n } from "../i18n";
import { useCompleteRegistration, useSendCode, useVerifyCode } from "../queries/auth";

type Step = "email" | "code" | "details";

export function RegisterPage() {
  const { t, language } = useI18n();
  const navigate = useNavigate();
  const [step, setStep] = useState<Step>("email");
  const [email, setEmail] = useState("");
  const [code, setCode] = useState("");
  const [fullName, setFullName] = useState("");
  const [password, setPassword] = useState("");
  const sendCode = useSendCode();
  const verify = useVerifyCode();
  const complete = useCompleteRegistration();

  const send = (e?: FormEvent) => {
    e?.preventDefault();
    sendCode.mutate(email, { onSuccess: () => setStep("code") });
  };
  const check = (e: FormEvent) => {
    e.preventDefault();
    verify.mutate({ email, code }, { onSuccess: () => setStep("details") });
  };
  const finish = (e: FormEvent) => {
    e.preventDefault();
    complete.mutate({ email, password, full_name: fullName, language }, { onSuccess: () => navigate("/", { replace: true }) });
  };

  if (step === "code") {
    return (
      <AuthLayout title={t("register.codeTitle")} subtitle={t("register.codeSent", { email })}>
        <DevMailboxNote email={email} />
        <form onSubmit={check} className="space-y-4" noValidate>
          <TextField label={t("register.code")} inputMode="numeric" autoComplete="one-time-code" maxLength={6} pattern="\d{6}" required value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, ""))} />
          <ErrorAlert error={verify.error} />
          <Button type="submit" className="w-full" disabled={verify.isPending || code.length !== 6}>{t("register.verify")}</Button>
        </form>
        <div className="flex justify-between text-sm">
          <button type="button" className="text-slate-600 hover:underline" onClick={() => setStep("email")}>{t("common.back")}</button>
          <button type="button" className="text-brand-700 hover:underline" onClick={() => send()} disabled={sendCode.isPending}>{t("register.resend")}</button>
        </div>
        <ErrorAlert error={sendCode.error} />
      </AuthLayout>
    );
  }

  if (step === "details") {
    return (
      <AuthLayout title={t("register.detailsTitle")} subtitle={email}>
        <form onSubmit={finish} className="space-y-4" noValidate>
          <TextField label={t("common.fullName")} autoComplete="name" required value={fullName} onChange={(e) => setFullName(e.target.value)} error={fieldError(complete.error, "full_name")} />
          <TextField label={t("common.password")} type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} hint={t("register.passwordHint")} error={fieldError(complete.error, "password")} />
          {complete.error && !fieldError(complete.error, "password") && !fieldError(complete.error, "full_name") ? <ErrorAlert error={complete.error} /> : null}
          <Button type="submit" className="w-full" disabled={complete.isPending}>{t("register.create")}</Button>
        </form>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={t("register.title")} subtitle={t("register.subtitle")}>
      <form onSubmit={send} className="space-y-4" noValidate>
        <TextField label={t("common.email")} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fieldError(sendCode.error, "email")} />
        {sendCode.error && !fieldError(sendCode.error, "email") ? <ErrorAlert error={sendCode.error} /> : null}
        <Button type="submit" className="w-full" disabled={sendCode.isPending}>{sendCode.isPending ? t("register.sending") : t("register.sendCode")}</Button>
      </form>
      <OAuthButtons />
      <p className="text-center text-sm text-slate-600">
        {t("auth.haveAccount")} <Link to="/login" className="font-semibold text-brand-700 hover:underline">{t("auth.signIn")}</Link>
      </p>
    </AuthLayout>
  );
}

import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";

import { AuthLayout } from "../components/AuthLayout";
import { Alert, Button, ErrorAlert, TextField, fieldError } from "../components/ui";
import { useI18n } from "../i18n";
import { useRequestReset, useResetPassword } from "../queries/auth";

export function ResetPasswordPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const request = useRequestReset();
  const reset = useResetPassword();

  const ask = (e: FormEvent) => {
    e.preventDefault();
    request.mutate(email);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    reset.mutate({ email, code, new_password: password }, { onSuccess: () => navigate("/login?reset=1", { replace: true }) });
  };

  return (
    <AuthLayout title={t("reset.title")} subtitle={t("reset.subtitle")}>
      {!request.isSuccess ? (
        <form onSubmit={ask} className="space-y-4" noValidate>
          <TextField label={t("common.email")} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fieldError(request.error, "email")} />
          {request.error && !fieldError(request.error, "email") ? <ErrorAlert error={request.error} /> : null}
          <Button type="submit" className="w-full" disabled={request.isPending}>{t("reset.send")}</Button>
        </form>
      ) : (
        <form onSubmit={submit} className="space-y-4" noValidate>
          <Alert kind="info">{t("polish.reset.sent", { email })}</Alert>
          <TextField label={t("register.code")} inputMode="numeric" autoComplete="one-time-code" maxLength={6} required value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, ""))} error={fieldError(reset.error, "code")} />
          <TextField label={t("reset.newPassword")} type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} hint={t("register.passwordHint")} error={fieldError(reset.error, "new_password")} />
          {reset.error && reset.error.type !== "ValidationError" ? <ErrorAlert error={reset.error} /> : null}
          <Button type="submit" className="w-full" disabled={reset.isPending || code.length !== 6}>{t("reset.submit")}</Button>
        </form>
      )}
      <p className="text-center text-sm"><Link to="/login" className="text-brand-700 hover:underline">{t("common.back")}</Link></p>
    </AuthLayout>
  );
}

import { useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router-dom";

import { AuthLayout } from "../components/AuthLayout";
import { OAuthButtons } from "../components/OAuthButtons";
import { Alert, Button, ErrorAlert, TextField } from "../components/ui";
import { useI18n } from "../i18n";
import { useLogin } from "../queries/auth";

export function LoginPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const login = useLogin();
  const from = (location.state as { from?: string } | null)?.from ?? "/";

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ email, password }, { onSuccess: () => navigate(from, { replace: true }) });
  };

  return (
    <AuthLayout title={t("auth.signInTitle")} subtitle={t("app.tagline")}>
      {params.get("oauth_error") && <Alert>{params.get("oauth_error")}</Alert>}
      {params.get("reset") && <Alert kind="success">{t("reset.done")}</Alert>}
      <form onSubmit={submit} className="space-y-4" noValidate>
        <TextField label={t("common.email")} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField label={t("common.password")} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <ErrorAlert error={login.error} />
        <Button type="submit" className="w-full" disabled={login.isPending}>
          {login.isPending ? t("auth.signingIn") : t("auth.signIn")}
        </Button>
      </form>
      <div className="flex flex-wrap justify-between gap-2 text-sm">
        <Link to="/reset-password" className="text-brand-700 hover:underline">{t("auth.forgot")}</Link>
        <Link to="/magic-link" className="text-brand-700 hover:underline">{t("auth.magicLink")}</Link>
      </div>
      <div className="flex items-center gap-3 text-xs uppercase text-slate-400">
        <span className="h-px flex-1 bg-slate-200" />{t("common.or")}<span className="h-px flex-1 bg-slate-200" />
      </div>
      <OAuthButtons />
      <p className="text-center text-sm text-slate-600">
        {t("auth.noAccount")} <Link to="/register" className="font-semibold text-brand-700 hover:underline">{t("auth.createAccount")}</Link>
      </p>
    </AuthLayout>
  );
}

import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { AuthLayout } from "../components/AuthLayout";
import { Alert, Button, ErrorAlert, Spinner, TextField } from "../components/ui";
import { useI18n } from "../i18n";
import { useRequestMagicLink, useVerifyMagicLink } from "../queries/auth";

function VerifyLink({ token }: { token: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const verify = useVerifyMagicLink();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return; // the link works once: never send it twice (React strict mode)
    started.current = true;
    verify.mutate(token, { onSuccess: () => navigate("/", { replace: true }) });
  }, [token, verify, navigate]);
  return (
    <AuthLayout title={verify.isError ? t("magic.failed") : t("magic.verifying")}>
      {verify.isError ? <ErrorAlert error={verify.error} /> : <Spinner label={t("magic.verifying")} />}
      {verify.isError && <Link to="/magic-link" className="text-sm text-brand-700 hover:underline">{t("magic.send")}</Link>}
    </AuthLayout>
  );
}

export function MagicLinkPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const [email, setEmail] = useState("");
  const request = useRequestMagicLink();
  const token = params.get("token");
  if (token) return <VerifyLink token={token} />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    request.mutate(email);
  };
  return (
    <AuthLayout title={t("magic.title")} subtitle={t("magic.subtitle")}>
      {request.isSuccess ? (
        <Alert kind="success">{t("magic.sent", { email })}</Alert>
      ) : (
        <form onSubmit={submit} className="space-y-4" noValidate>
          <TextField label={t("common.email")} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          <ErrorAlert error={request.error} />
          <Button type="submit" className="w-full" disabled={request.isPending}>{t("magic.send")}</Button>
        </form>
      )}
      <p className="text-center text-sm"><Link to="/login" className="text-brand-700 hover:underline">{t("common.back")}</Link></p>
    </AuthLayout>
  );
}

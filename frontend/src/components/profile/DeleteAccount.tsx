import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";

import { Alert, Button, ErrorAlert, TextField, fieldError } from "../ui";
import { useI18n } from "../../i18n";
import type { Me } from "../../queries/auth";
import { useDeleteAccount, useSendDeletionCode } from "../../queries/deletion";

/** The Profile page's danger zone: the account goes only after the email is typed and the password (or, for an
 * account without one, an emailed code) confirms it. Then the status page follows the job, signed out. */
export function DeleteAccount({ me }: { me: Me }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [secret, setSecret] = useState("");
  const remove = useDeleteAccount();
  const sendCode = useSendDeletionCode();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = me.has_password ? { password: secret } : { code: secret.trim() };
    remove.mutate(body, { onSuccess: (started) => navigate(`/account-deletion/${started.job_id}`, { replace: true }) });
  };
  return (
    <section className="space-y-3" data-testid="delete-account">
      <h2 className="text-lg font-semibold text-red-700">{t("deletion.title")}</h2>
      <p className="text-sm text-slate-600">{t("deletion.warning")}</p>
      {!open ? (
        <Button variant="danger" onClick={() => setOpen(true)}>{t("deletion.start")}</Button>
      ) : (
        <form onSubmit={submit} className="space-y-4 rounded-lg border border-red-200 bg-red-50/50 p-4" noValidate>
          <p className="font-semibold text-slate-900">{t("deletion.confirmTitle")}</p>
          <TextField label={t("deletion.typeEmail")} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
          {me.has_password ? (
            <TextField
              label={t("deletion.password")}
              type="password"
              autoComplete="current-password"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              error={fieldError(remove.error, "password")}
            />
          ) : (
            <div className="space-y-2">
              <Button type="button" variant="secondary" disabled={sendCode.isPending} onClick={() => sendCode.mutate(me.email)}>
                {t("deletion.sendCode")}
              </Button>
              {sendCode.isSuccess && <Alert kind="info">{t("deletion.codeSent", { email: me.email })}</Alert>}
              <ErrorAlert error={sendCode.error} />
              <TextField label={t("deletion.code")} inputMode="numeric" autoComplete="one-time-code" value={secret} onChange={(e) => setSecret(e.target.value)} />
            </div>
          )}
          <ErrorAlert error={remove.error?.type === "ValidationError" ? null : remove.error} />
          <div className="flex gap-3">
            <Button
              type="submit"
              variant="danger"
              disabled={remove.isPending || typed.trim().toLowerCase() !== me.email.toLowerCase() || !secret}
            >
              {t("deletion.confirm")}
            </Button>
            <Button type="button" variant="ghost" onClick={() => { setOpen(false); setTyped(""); setSecret(""); }}>
              {t("deletion.cancel")}
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}

import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { useI18n } from "../../i18n";
import { integrationKeys } from "../../queries/integrations";
import { SelectField } from "../admin/fields";
import { Button, ErrorAlert, TextField } from "../ui";
import { GmailConnect } from "./GmailConnect";

type MailboxIn = components["schemas"]["MailboxConnectIn"];
type Security = MailboxIn["imap_security"];
type Side = "imap" | "smtp";

const SECURITIES: Security[] = ["ssl", "starttls", "none"];
// The usual port of each kind of encryption, filled in when the encryption changes.
const PORTS: Record<Side, Record<Security, number>> = {
  imap: { ssl: 993, starttls: 143, none: 143 },
  smtp: { ssl: 465, starttls: 587, none: 25 },
};

const EMPTY = {
  address: "",
  imap_host: "",
  imap_port: "993",
  imap_security: "ssl" as Security,
  smtp_host: "",
  smtp_port: "587",
  smtp_security: "starttls" as Security,
  username: "",
  password: "",
};

/** The email channel's connect step: Gmail through Google, or any mailbox by its IMAP and SMTP settings (the API
 * logs in to both before it keeps anything, and names the one that failed). */
export function EmailConnect({ companyId }: { companyId: string }) {
  const { t } = useI18n();
  return (
    <div className="space-y-5">
      <p className="text-sm text-slate-600">{t("email.intro")}</p>
      <GmailConnect companyId={companyId} />
      <hr className="border-slate-200" />
      <MailboxForm companyId={companyId} />
    </div>
  );
}

function MailboxForm({ companyId }: { companyId: string }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [values, setValues] = useState(EMPTY);
  const connect = useMutation({
    mutationFn: (body: MailboxIn) => unwrap(api.POST("/api/v1/integrations/email/connect", { body })),
    onSuccess: () => {
      setValues(EMPTY);
      void queryClient.invalidateQueries({ queryKey: integrationKeys.all });
    },
  });
  const set = (name: keyof typeof EMPTY) => (value: string) => setValues((v) => ({ ...v, [name]: value }));
  const setSecurity = (side: Side) => (value: string) => {
    const security = value as Security;
    setValues((v) => ({ ...v, [`${side}_security`]: security, [`${side}_port`]: String(PORTS[side][security]) }));
  };
  const ready =
    values.address.includes("@") &&
    values.imap_host.trim() !== "" &&
    values.smtp_host.trim() !== "" &&
    values.password !== "" &&
    Number(values.imap_port) > 0 &&
    Number(values.smtp_port) > 0;

  function submit(event: FormEvent) {
    event.preventDefault();
    connect.mutate({
      company_id: companyId,
      address: values.address.trim(),
      imap_host: values.imap_host.trim(),
      imap_port: Number(values.imap_port),
      imap_security: values.imap_security,
      smtp_host: values.smtp_host.trim(),
      smtp_port: Number(values.smtp_port),
      smtp_security: values.smtp_security,
      username: values.username.trim() || values.address.trim(),
      password: values.password,
    });
  }

  const server = (side: Side) => (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-[2fr_1fr_1.4fr]">
      <TextField
        label={t(side === "imap" ? "email.mailbox.imapHost" : "email.mailbox.smtpHost")}
        value={values[`${side}_host`]}
        onChange={(e) => set(`${side}_host`)(e.target.value)}
        placeholder={`${side}.example.com`}
        autoComplete="off"
        spellCheck={false}
        name={`${side}_host`}
      />
      <TextField
        label={t(side === "imap" ? "email.mailbox.imapPort" : "email.mailbox.smtpPort")}
        value={values[`${side}_port`]}
        onChange={(e) => set(`${side}_port`)(e.target.value.replace(/\D/g, ""))}
        inputMode="numeric"
        name={`${side}_port`}
      />
      <SelectField
        label={t("email.mailbox.security")}
        value={values[`${side}_security`]}
        onChange={(e) => setSecurity(side)(e.target.value)}
        name={`${side}_security`}
      >
        {SECURITIES.map((s) => (
          <option key={s} value={s}>
            {t(`email.mailbox.security.${s}`)}
          </option>
        ))}
      </SelectField>
    </div>
  );

  return (
    <form onSubmit={submit} className="space-y-3" data-testid="mailbox-connect">
      <div>
        <h3 className="text-sm font-semibold text-slate-900">{t("email.mailbox.title")}</h3>
        <p className="text-sm text-slate-600">{t("email.mailbox.hint")}</p>
      </div>
      <TextField
        label={t("email.mailbox.address")}
        type="email"
        value={values.address}
        onChange={(e) => set("address")(e.target.value)}
        autoComplete="off"
        name="address"
      />
      {server("imap")}
      {server("smtp")}
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <TextField
          label={t("email.mailbox.username")}
          value={values.username}
          onChange={(e) => set("username")(e.target.value)}
          placeholder={values.address}
          autoComplete="off"
          name="username"
        />
        <TextField
          label={t("email.mailbox.password")}
          type="password"
          value={values.password}
          onChange={(e) => set("password")(e.target.value)}
          autoComplete="new-password"
          name="password"
        />
      </div>
      <p className="text-xs text-slate-500">{t("email.mailbox.checked")}</p>
      <ErrorAlert error={connect.error} />
      <Button type="submit" disabled={connect.isPending || !ready}>
        {connect.isPending ? t("email.mailbox.checking") : t("email.mailbox.connect")}
      </Button>
    </form>
  );
}

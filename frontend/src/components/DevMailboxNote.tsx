import { useI18n } from "../i18n";
import { useInstallation } from "../queries/installation";

/** On a development server with no SMTP, mail is not sent: it waits in the dev mailbox. Say where, with the link. */
export function DevMailboxNote({ email }: { email: string }) {
  const { t } = useI18n();
  const installation = useInstallation();
  if (!installation.data?.dev_mailbox) return null;
  return (
    <p className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="dev-mailbox-note">
      {t("wizard.devMailbox")}{" "}
      <a href={`/dev/mailbox?to=${encodeURIComponent(email)}`} target="_blank" rel="noopener noreferrer" className="font-semibold underline">
        {t("wizard.devMailboxOpen")}
      </a>
    </p>
  );
}

import { useI18n } from "../../i18n";
import { useSupportContact } from "../../queries/support";
import { Alert, Card } from "../ui";
import { ChatPanel } from "./ChatPanel";

/** A business's chat with its manager, or with the admins while it has none (said plainly). */
export function BusinessChat() {
  const { t } = useI18n();
  const contact = useSupportContact(true);
  const admins = contact.data?.kind === "admins";
  return (
    <Card testId="business-chat" className="space-y-3">
      <div>
        <h2 className="text-lg font-semibold">{admins ? t("support.chat.titleAdmins") : t("support.chat.title")}</h2>
        {contact.data?.kind === "manager" && (
          <p className="text-sm text-slate-600">{t("support.chat.withManager", { name: contact.data.name || contact.data.email || "" })}</p>
        )}
      </div>
      {admins && <Alert kind="info">{t("support.chat.noManager")}</Alert>}
      <ChatPanel />
    </Card>
  );
}

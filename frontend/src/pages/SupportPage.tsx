import { BusinessChat } from "../components/support/BusinessChat";
import { ClientChats } from "../components/support/ClientChats";
import { FaqBot } from "../components/support/FaqBot";
import { HoursEditor } from "../components/support/HoursEditor";
import { SetupCallBooking } from "../components/support/SetupCallBooking";
import { SetupCalls } from "../components/support/SetupCalls";
import { useI18n } from "../i18n";
import { usePermissions } from "../lib/usePermissions";

/** Support (SPEC.md R-S1, R-S2, setup calls of R-CH6). A business asks the FAQ bot, chats with its manager (or the
 * admins) and books a setup call; a manager answers their businesses' chats and publishes call hours; an admin
 * answers every business's chat. */
export function SupportPage() {
  const { t } = useI18n();
  const { can } = usePermissions();
  const staff = can("support.answerChats");
  return (
    <div className="mx-auto max-w-6xl space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">{t("support.title")}</h1>
        <p className="text-sm text-slate-600">{staff ? t("support.staffSubtitle") : t("support.subtitle")}</p>
      </div>
      {staff ? (
        <>
          <ClientChats />
          <div className="grid gap-6 lg:grid-cols-2">
            {can("support.publishHours") && <HoursEditor />}
            <SetupCalls />
          </div>
        </>
      ) : (
        <>
          <div className="grid gap-6 lg:grid-cols-2">
            <FaqBot />
            <BusinessChat />
          </div>
          <div className="grid gap-6 lg:grid-cols-2">
            {can("support.bookCall") && <SetupCallBooking />}
            <SetupCalls />
          </div>
        </>
      )}
    </div>
  );
}

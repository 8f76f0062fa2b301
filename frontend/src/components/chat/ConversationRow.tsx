import { ChannelIcon } from "../ChannelIcon";
import { ConversationPaymentBadge } from "../purchases/ConversationPaymentBadge";
import { LeadSourceBadge } from "../purchases/LeadSourceBadge";
import { useI18n } from "../../i18n";
import type { Conversation } from "../../queries/conversations";

/** One conversation in the list: who, when, the last message, whether the assistant is paused, a payment link is
 * out or paid, and whether it is unread. */
export function ConversationRow({ item, active, onSelect }: { item: Conversation; active: boolean; onSelect: () => void }) {
  const { t, language } = useI18n();
  const when = item.last_message_at
    ? new Date(item.last_message_at).toLocaleString(language, { dateStyle: "short", timeStyle: "short" })
    : "";
  return (
    <li>
      <button
        type="button"
        onClick={onSelect}
        aria-current={active ? "true" : undefined}
        className={`flex w-full items-start gap-3 px-4 py-3 text-left hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-none ${active ? "bg-brand-50" : ""}`}
        data-testid="conversation-row"
      >
        <ChannelIcon platform={item.channel} />
        <span className="min-w-0 flex-1">
          <span className="flex items-center justify-between gap-2">
            <span className="truncate font-medium text-slate-900">{item.contact.display_name || item.contact.external_id}</span>
            <span className="shrink-0 text-xs text-slate-500">{when}</span>
          </span>
          <span className="mt-0.5 flex items-center gap-2">
            <span className="truncate text-sm text-slate-600">{item.last_message_preview}</span>
            {item.bot_paused && (
              <span className="shrink-0 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800">
                {t(item.handover ? "inbox.handover" : "inbox.paused")}
              </span>
            )}
            <ConversationPaymentBadge status={item.payment_status} quiet="always" />
            {item.lead_source && <LeadSourceBadge source={item.lead_source} />}
            {item.unread_count > 0 && (
              <span
                className="ml-auto shrink-0 rounded-full bg-brand-600 px-2 py-0.5 text-xs font-semibold text-white"
                aria-label={t("inbox.unread", { n: item.unread_count })}
                data-testid="unread-count"
              >
                {item.unread_count}
              </span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
}

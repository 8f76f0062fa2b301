import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import type { ConversationFilters } from "../../queries/conversations";
import { ChatIcon } from "./icons";

const CHANNELS = ["web", "telegram", "whatsapp", "instagram", "facebook", "email"];

/** Search (as you type) and the channel and status filters above the conversation list. */
export function ConversationFilterBar({
  filters,
  onChange,
}: {
  filters: ConversationFilters;
  onChange: (filters: ConversationFilters) => void;
}) {
  const { t } = useI18n();
  return (
    <div className="space-y-2 border-b border-slate-200 p-3" role="search">
      <div className="relative">
        <label htmlFor="inbox-search" className="sr-only">
          {t("inbox.search")}
        </label>
        <span className="pointer-events-none absolute inset-y-0 left-3 flex items-center text-slate-400">
          <ChatIcon name="search" className="h-4 w-4" />
        </span>
        <input
          id="inbox-search"
          type="search"
          placeholder={t("inbox.search")}
          value={filters.q ?? ""}
          maxLength={200}
          onChange={(e) => onChange({ ...filters, q: e.target.value })}
          className="w-full rounded-lg border border-slate-300 py-2 pl-9 pr-9 text-sm outline-none focus:ring-2 focus:ring-brand-500 [&::-webkit-search-cancel-button]:hidden"
        />
        {filters.q && (
          <button
            type="button"
            aria-label={t("conversations.searchClear")}
            title={t("conversations.searchClear")}
            onClick={() => onChange({ ...filters, q: "" })}
            className="absolute inset-y-0 right-1 my-1 flex items-center rounded-md px-2 text-slate-500 hover:bg-slate-100"
          >
            <ChatIcon name="clear" className="h-4 w-4" />
          </button>
        )}
      </div>
      <div className="flex gap-2">
        <select
          aria-label={t("inbox.channel")}
          value={filters.channel ?? ""}
          onChange={(e) => onChange({ ...filters, channel: e.target.value || undefined })}
          className="min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm"
        >
          <option value="">{t("inbox.allChannels")}</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t(`channel.${c}` as MessageKey)}
            </option>
          ))}
        </select>
        <select
          aria-label={t("inbox.status")}
          value={filters.status ?? ""}
          onChange={(e) => onChange({ ...filters, status: (e.target.value || undefined) as ConversationFilters["status"] })}
          className="min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm"
        >
          <option value="">{t("inbox.allStatuses")}</option>
          <option value="unread">{t("inbox.statusUnread")}</option>
          <option value="paused">{t("inbox.statusPaused")}</option>
        </select>
      </div>
    </div>
  );
}

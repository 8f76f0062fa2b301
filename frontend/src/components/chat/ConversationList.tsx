import { Link } from "react-router-dom";

import { Spinner } from "../ui";
import { useI18n } from "../../i18n";
import type { Conversation, ConversationFilters } from "../../queries/conversations";
import { ConversationRow } from "./ConversationRow";

export function hasFilters(filters: ConversationFilters): boolean {
  return Boolean(filters.q?.trim() || filters.channel || filters.status || filters.lead_source);
}

/** The company's conversations, or why there are none: none yet (where to start), or none that match. */
export function ConversationList({
  items,
  filters,
  selected,
  onSelect,
  onClearFilters,
  playgroundHref,
}: {
  items: Conversation[] | undefined;
  filters: ConversationFilters; // the filters ``items`` were found with
  selected: string | undefined;
  onSelect: (item: Conversation) => void;
  onClearFilters: () => void;
  playgroundHref: string | null; // null: this person cannot use the Playground
}) {
  const { t } = useI18n();
  if (items === undefined) {
    return (
      <div className="p-6">
        <Spinner label={t("common.loading")} />
      </div>
    );
  }
  if (items.length === 0) {
    return (
      <div className="space-y-3 p-6 text-center text-sm text-slate-600" data-testid="conversations-empty">
        {hasFilters(filters) ? (
          <>
            <p className="font-medium text-slate-800">
              {filters.q?.trim() ? t("conversations.noMatchQuery", { q: filters.q.trim() }) : t("conversations.noMatchFilters")}
            </p>
            <button type="button" onClick={onClearFilters} className="font-semibold text-brand-700 hover:underline">
              {t(filters.q?.trim() && !filters.channel && !filters.status ? "conversations.searchClear" : "conversations.filtersClear")}
            </button>
          </>
        ) : (
          <>
            <p className="font-medium text-slate-800">{t("conversations.noneYet")}</p>
            <p>{t(playgroundHref ? "conversations.noneYetHint" : "conversations.noneYetStaffHint")}</p>
            {playgroundHref && (
              <Link to={playgroundHref} className="inline-block font-semibold text-brand-700 hover:underline">
                {t("conversations.openPlayground")}
              </Link>
            )}
          </>
        )}
      </div>
    );
  }
  return (
    <ul className="divide-y divide-slate-100" data-testid="conversation-list" aria-label={t("conversations.list")}>
      {items.map((item) => (
        <ConversationRow key={item.id} item={item} active={item.id === selected} onSelect={() => onSelect(item)} />
      ))}
    </ul>
  );
}

import { useEffect, useState } from "react";
import { useLocation, useNavigate, useSearchParams } from "react-router-dom";

import { ConversationFilterBar } from "../components/chat/ConversationFilterBar";
import { ConversationList } from "../components/chat/ConversationList";
import { LeadSourceFilter } from "../components/chat/LeadSourceFilter";
import { Thread } from "../components/chat/Thread";
import { useDebounced } from "../components/chat/useDebounced";
import { CompanyPicker, useSelectedCompany } from "../components/CompanyPicker";
import { Card, ErrorAlert, Spinner } from "../components/ui";
import { NoCompanies } from "../components/NoCompanies";
import { useI18n } from "../i18n";
import { usePermissions } from "../lib/usePermissions";
import {
  useConversation,
  useConversations,
  useInboxEvents,
  useMarkRead,
  type Conversation,
  type ConversationFilters,
} from "../queries/conversations";

/** Set on the history entry a conversation was opened on from the list alone (a phone): "back" then pops it. */
interface OpenedFromList {
  fromList?: boolean;
}

/** The inbox. The open conversation lives in the URL (?conversation=), so a reload or a shared link keeps it and
 * the browser's back button closes it. Wide screens show the list beside the thread; narrower ones (phones and
 * small tablets, where a thread beside the list would be a few words wide) show one at a time. */
export function ConversationsPage() {
  const { t } = useI18n();
  const { can } = usePermissions();
  const { companies, company, isPending, error } = useSelectedCompany();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const [filters, setFilters] = useState<ConversationFilters>({});
  const q = useDebounced(filters.q ?? "", 250);
  const applied: ConversationFilters = { ...filters, q };
  const list = useConversations(company?.id, applied);
  useInboxEvents(company?.id);
  const markRead = useMarkRead();

  const wanted = params.get("conversation") ?? undefined;
  const open = useConversation(wanted);
  // A conversation of another company (the company was switched above) is not this page's to show.
  const selected = wanted && (!open.data || open.data.company_id === company?.id) ? wanted : undefined;

  function select(item: Conversation) {
    const next = new URLSearchParams(params);
    next.set("conversation", item.id);
    setParams(next, { state: { fromList: !selected } satisfies OpenedFromList });
  }

  function back() {
    if ((location.state as OpenedFromList | null)?.fromList) {
      navigate(-1);
      return;
    }
    const next = new URLSearchParams(params); // opened by a link or a reload: there is no list entry to go back to
    next.delete("conversation");
    setParams(next, { replace: true });
  }

  // The open conversation is being read: it is marked read when opened, and again as new messages arrive in it.
  const openUnread = list.data?.items.find((item) => item.id === selected)?.unread_count ?? 0;
  const markReadNow = markRead.mutate;
  const marking = markRead.isPending;
  useEffect(() => {
    if (selected && openUnread > 0 && !marking) markReadNow(selected);
  }, [selected, openUnread, marking, markReadNow]);

  // While the list for new filters loads, the previous results stay; an empty state waits for its own answer.
  const items = list.isPlaceholderData && list.data?.items.length === 0 ? undefined : list.data?.items;

  return (
    <div className="mx-auto max-w-6xl space-y-4 lg:space-y-6">
      <div className={`flex-wrap items-end justify-between gap-3 ${selected ? "hidden lg:flex" : "flex"}`}>
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t("inbox.title")}</h1>
          <p className="text-sm text-slate-600">{t("inbox.subtitle")}</p>
        </div>
        <CompanyPicker companies={companies} value={company?.id} />
      </div>
      {isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={error ?? list.error} />
      {!isPending && !company && <NoCompanies />}
      {company && (
        <div className="lg:grid lg:h-[calc(100vh-12rem)] lg:min-h-[30rem] lg:grid-cols-[22rem_minmax(0,1fr)] lg:gap-6">
          <Card padded={false} className={`${selected ? "hidden" : "flex"} flex-col lg:flex lg:min-h-0`} testId="conversations-panel">
            <ConversationFilterBar filters={filters} onChange={setFilters} />
            <LeadSourceFilter value={filters.lead_source} onChange={(lead_source) => setFilters({ ...filters, lead_source })} />
            <div className="lg:min-h-0 lg:flex-1 lg:overflow-y-auto">
              <ConversationList
                items={items}
                filters={applied}
                selected={selected}
                onSelect={select}
                onClearFilters={() => setFilters({})}
                playgroundHref={can("playground.use") ? `/playground?company=${company.id}` : null}
              />
            </div>
          </Card>
          <div className={`${selected ? "block" : "hidden"} h-[calc(100dvh-10.5rem)] min-h-[24rem] lg:block lg:h-auto lg:min-h-0`}>
            {selected ? (
              <Thread key={selected} conversationId={selected} onBack={back} />
            ) : (
              <Card className="flex h-full flex-col items-center justify-center gap-1 text-center" testId="no-conversation">
                <p className="font-semibold text-slate-800">{t("conversations.choose")}</p>
                <p className="text-sm text-slate-500">{t("conversations.chooseHint")}</p>
              </Card>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

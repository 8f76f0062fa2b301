import { useEffect, useRef, useState, type FormEvent } from "react";
import { useSearchParams } from "react-router-dom";

import { ChannelIcon } from "../components/ChannelIcon";
import { MessageBubble } from "../components/chat/MessageBubble";
import { CompanyPicker, useSelectedCompany } from "../components/CompanyPicker";
import { Button, Card, ErrorAlert, Spinner } from "../components/ui";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { useMe } from "../queries/auth";
import {
  useConversation,
  useConversations,
  useHumanReply,
  useMarkRead,
  useMessages,
  useInboxEvents,
  useResumeBot,
  type Conversation,
  type ConversationFilters,
} from "../queries/conversations";

const CHANNELS = ["web", "telegram", "whatsapp", "instagram", "facebook", "email"];

function ConversationRow({ item, active, onSelect }: { item: Conversation; active: boolean; onSelect: () => void }) {
  const { t } = useI18n();
  const when = item.last_message_at ? new Date(item.last_message_at).toLocaleString([], { dateStyle: "short", timeStyle: "short" }) : "";
  return (
    <li>
      <button
        type="button"
        onClick={onSelect}
        aria-current={active ? "true" : undefined}
        className={`flex w-full items-start gap-3 px-4 py-3 text-left hover:bg-slate-50 ${active ? "bg-brand-50" : ""}`}
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

function Thread({ conversationId, canReply }: { conversationId: string; canReply: boolean }) {
  const { t } = useI18n();
  const conversation = useConversation(conversationId);
  const messages = useMessages(conversationId);
  const reply = useHumanReply(conversationId);
  const resume = useResumeBot(conversationId);
  const [text, setText] = useState("");
  const bottom = useRef<HTMLLIElement>(null);
  const items = messages.data?.items ?? [];
  useEffect(() => {
    bottom.current?.scrollIntoView?.({ block: "end" });
  }, [items.length]);
  const c = conversation.data;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) return;
    reply.mutate(text.trim(), { onSuccess: () => setText("") });
  }

  return (
    <Card className="flex h-[70vh] flex-col" padded={false} testId="thread">
      {c && (
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-4 py-3">
          <div className="flex items-center gap-3">
            <ChannelIcon platform={c.channel} />
            <div>
              <div className="font-semibold text-slate-900">{c.contact.display_name || c.contact.external_id}</div>
              <div className="text-xs text-slate-500" data-testid="bot-state">
                {c.bot_paused ? t(c.handover ? "inbox.botHandover" : "inbox.botPaused") : t("inbox.botActive")}
              </div>
            </div>
          </div>
          {canReply && c.bot_paused && (
            <Button variant="secondary" onClick={() => resume.mutate()} disabled={resume.isPending}>
              {t("inbox.resume")}
            </Button>
          )}
        </div>
      )}
      <ErrorAlert error={conversation.error ?? messages.error ?? reply.error ?? resume.error} />
      <ul className="flex-1 space-y-3 overflow-y-auto bg-slate-50 p-4" aria-live="polite">
        {messages.isPending && <Spinner label={t("common.loading")} />}
        {items.map((m) => (
          <MessageBubble key={m.id} message={m} mineSide="business" />
        ))}
        <li ref={bottom} aria-hidden />
      </ul>
      {canReply && (
        <form onSubmit={submit} className="flex gap-2 border-t border-slate-200 p-3">
          <label htmlFor="reply-input" className="sr-only">
            {t("inbox.replyPlaceholder")}
          </label>
          <input
            id="reply-input"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t("inbox.replyPlaceholder")}
            maxLength={4000}
            className="flex-1 rounded-lg border border-slate-300 px-3 py-2 text-sm outline-none focus:ring-2 focus:ring-brand-500"
          />
          <Button type="submit" disabled={reply.isPending || !text.trim()}>
            {t("inbox.send")}
          </Button>
        </form>
      )}
    </Card>
  );
}

export function ConversationsPage() {
  const { t } = useI18n();
  const me = useMe(true);
  const { companies, company, isPending, error } = useSelectedCompany();
  const [params, setParams] = useSearchParams();
  const [filters, setFilters] = useState<ConversationFilters>({});
  const list = useConversations(company?.id, filters);
  useInboxEvents(company?.id);
  const markRead = useMarkRead();
  const selected = params.get("conversation") ?? undefined;
  const canReply = me.data?.role !== "MANAGER";

  function select(item: Conversation) {
    const next = new URLSearchParams(params);
    next.set("conversation", item.id);
    setParams(next);
  }

  // The open conversation is being read: it is marked read when opened, and again as new messages arrive in it.
  const openUnread = list.data?.items.find((item) => item.id === selected)?.unread_count ?? 0;
  const markReadNow = markRead.mutate;
  const marking = markRead.isPending;
  useEffect(() => {
    if (selected && openUnread > 0 && !marking) markReadNow(selected);
  }, [selected, openUnread, marking, markReadNow]);

  return (
    <div className="mx-auto max-w-6xl space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t("inbox.title")}</h1>
          <p className="text-sm text-slate-600">{t("inbox.subtitle")}</p>
        </div>
        <CompanyPicker companies={companies} value={company?.id} />
      </div>
      {isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={error ?? list.error} />
      {!isPending && !company && <Card>{t("kb.noCompanies")}</Card>}
      {company && (
        <div className="grid gap-6 lg:grid-cols-[22rem_1fr]">
          <Card padded={false}>
            <div className="space-y-2 border-b border-slate-200 p-3">
              <label htmlFor="inbox-search" className="sr-only">
                {t("inbox.search")}
              </label>
              <input
                id="inbox-search"
                type="search"
                placeholder={t("inbox.search")}
                value={filters.q ?? ""}
                onChange={(e) => setFilters({ ...filters, q: e.target.value })}
                className="w-full rounded-lg border border-slate-300 px-3 py-2 text-sm"
              />
              <div className="flex gap-2">
                <select
                  aria-label={t("inbox.channel")}
                  value={filters.channel ?? ""}
                  onChange={(e) => setFilters({ ...filters, channel: e.target.value || undefined })}
                  className="flex-1 rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm"
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
                  onChange={(e) => setFilters({ ...filters, status: (e.target.value || undefined) as ConversationFilters["status"] })}
                  className="flex-1 rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm"
                >
                  <option value="">{t("inbox.allStatuses")}</option>
                  <option value="unread">{t("inbox.statusUnread")}</option>
                  <option value="paused">{t("inbox.statusPaused")}</option>
                </select>
              </div>
            </div>
            <ul className="max-h-[60vh] divide-y divide-slate-100 overflow-y-auto" data-testid="conversation-list">
              {list.data?.items.length === 0 && <li className="p-6 text-center text-sm text-slate-500">{t("inbox.empty")}</li>}
              {list.data?.items.map((item) => (
                <ConversationRow key={item.id} item={item} active={item.id === selected} onSelect={() => select(item)} />
              ))}
            </ul>
          </Card>
          {selected ? (
            <Thread key={selected} conversationId={selected} canReply={canReply} />
          ) : (
            <Card className="flex items-center justify-center text-sm text-slate-500">{t("inbox.pick")}</Card>
          )}
        </div>
      )}
    </div>
  );
}

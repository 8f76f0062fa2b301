import { useEffect, useRef, useState, type FormEvent } from "react";

import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { useMe } from "../../queries/auth";
import { useChat, useMarkChatRead, useSendChat } from "../../queries/support";
import { Alert, Button, ErrorAlert, Spinner } from "../ui";
import { when } from "./text";

interface Props {
  /** The business whose thread this is; a business's own thread has none. */
  clientId?: string;
}

/** One support thread: its messages (live through the Support page's stream), read as soon as they are shown, and
 * a box to write in. */
export function ChatPanel({ clientId }: Props) {
  const { t, language } = useI18n();
  const me = useMe(true);
  const chat = useChat(clientId);
  const send = useSendChat(clientId);
  const markRead = useMarkChatRead(clientId);
  const [text, setText] = useState("");
  const end = useRef<HTMLDivElement>(null);
  const unread = chat.data?.unread ?? 0;
  const markReadNow = markRead.mutate;

  useEffect(() => {
    if (unread > 0) markReadNow();
  }, [unread, markReadNow]);
  const count = chat.data?.items.length ?? 0;
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: "nearest" });
  }, [count]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    send.mutate(text, { onSuccess: () => setText("") });
  };

  if (chat.isPending) return <Spinner label={t("common.loading")} />;
  if (chat.error?.status === 404) return <Alert>{t("support.threads.notFound")}</Alert>;
  if (chat.error) return <ErrorAlert error={chat.error} />;
  const items = chat.data.items;
  return (
    <div className="flex min-h-0 flex-col gap-3" data-testid="support-chat">
      <div className="max-h-[26rem] min-h-[8rem] space-y-2 overflow-y-auto rounded-lg bg-slate-50 p-3" aria-live="polite">
        {items.length === 0 && <p className="text-sm text-slate-500">{t("support.chat.empty")}</p>}
        {items.map((message) => {
          const mine = message.sender_id === me.data?.id;
          return (
            <div key={message.id} className={`flex ${mine ? "justify-end" : "justify-start"}`} data-testid="support-message">
              <div className={`max-w-[85%] rounded-2xl px-3 py-2 text-sm ${mine ? "rounded-br-sm bg-brand-600 text-white" : "rounded-bl-sm bg-white text-slate-800 shadow-sm"}`}>
                <div className={`mb-0.5 text-xs ${mine ? "text-brand-50" : "text-slate-500"}`}>
                  {mine ? t("support.chat.you") : t(`support.chat.role.${message.sender_role}` as MessageKey)} · {when(message.created_at, language)}
                  {mine && message.read_at && <> · {t("support.chat.read")}</>}
                </div>
                <p className="whitespace-pre-wrap break-words">{message.text}</p>
              </div>
            </div>
          );
        })}
        <div ref={end} />
      </div>
      <form onSubmit={submit} className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <label className="sr-only" htmlFor={`chat-${clientId ?? "me"}`}>
          {t("support.chat.label")}
        </label>
        <textarea
          id={`chat-${clientId ?? "me"}`}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) submit(e);
          }}
          maxLength={4000}
          rows={2}
          placeholder={t("support.chat.placeholder")}
          className="block w-full resize-y rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:ring-2 focus:ring-brand-500"
        />
        <Button type="submit" disabled={send.isPending || !text.trim()}>
          {send.isPending ? t("support.chat.sending") : t("support.chat.send")}
        </Button>
      </form>
      <ErrorAlert error={send.error} />
    </div>
  );
}

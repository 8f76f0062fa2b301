import { useEffect, useRef } from "react";

import { ChannelIcon } from "../ChannelIcon";
import { ConversationPaymentBadge } from "../purchases/ConversationPaymentBadge";
import { Card, ErrorAlert, Spinner } from "../ui";
import { useI18n } from "../../i18n";
import { usePermissions } from "../../lib/usePermissions";
import { useConversation, useHumanReply, useMessages, usePauseBot, useResumeBot } from "../../queries/conversations";
import { BotState, BotToggle } from "./BotControl";
import { ChatIcon } from "./icons";
import { MessageBubble } from "./MessageBubble";
import { ReplyBox } from "./ReplyBox";

/** One open conversation: who it is with and the assistant's state, the history, and a reply box for those who may
 * act (managers read it and see why they cannot). ``onBack`` returns to the list where the two do not fit side by side. */
export function Thread({ conversationId, onBack }: { conversationId: string; onBack: () => void }) {
  const { t } = useI18n();
  const { check } = usePermissions();
  const replying = check("conversation.reply");
  const canPause = check("conversation.pause").ok;
  const conversation = useConversation(conversationId);
  const messages = useMessages(conversationId);
  const reply = useHumanReply(conversationId);
  const pause = usePauseBot(conversationId);
  const resume = useResumeBot(conversationId);
  const history = useRef<HTMLUListElement>(null);
  const items = messages.data?.items ?? [];
  const c = conversation.data;

  useEffect(() => {
    // Keep the newest message in view, scrolling the history only (never the page around it).
    const list = history.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [items.length]);

  return (
    <Card className="flex h-full min-h-0 flex-col" padded={false} testId="thread">
      <div className="flex items-center gap-2 border-b border-slate-200 px-2 py-2 sm:gap-3 sm:px-4 sm:py-3">
        <button
          type="button"
          onClick={onBack}
          aria-label={t("conversations.back")}
          title={t("conversations.back")}
          className="shrink-0 rounded-lg p-2 text-slate-700 hover:bg-slate-100 lg:hidden"
        >
          <ChatIcon name="back" />
        </button>
        {c ? (
          <>
            <ChannelIcon platform={c.channel} />
            <div className="min-w-0 flex-1">
              <div className="flex min-w-0 items-center gap-2">
                <h2 className="truncate font-semibold text-slate-900">{c.contact.display_name || c.contact.external_id}</h2>
                <ConversationPaymentBadge status={c.payment_status} quiet="narrow" />
              </div>
              <BotState conversation={c} />
            </div>
            {canPause && (
              <BotToggle
                conversation={c}
                busy={pause.isPending || resume.isPending}
                onPause={() => pause.mutate(undefined)}
                onResume={() => resume.mutate()}
              />
            )}
          </>
        ) : (
          <div className="flex-1">{conversation.isPending && <Spinner label={t("common.loading")} />}</div>
        )}
      </div>
      <ErrorAlert error={conversation.error ?? messages.error ?? reply.error ?? pause.error ?? resume.error} />
      <ul ref={history} className="min-h-0 flex-1 space-y-3 overflow-y-auto bg-slate-50 p-3 sm:p-4" aria-live="polite">
        {messages.isPending && (
          <li>
            <Spinner label={t("common.loading")} />
          </li>
        )}
        {messages.isSuccess && items.length === 0 && (
          <li className="py-6 text-center text-sm text-slate-500">{t("conversations.noMessages")}</li>
        )}
        {items.map((m) => (
          <MessageBubble key={m.id} message={m} mineSide="business" />
        ))}
      </ul>
      {replying.ok ? (
        <ReplyBox busy={reply.isPending} onSend={(text, sent) => reply.mutate(text, { onSuccess: sent })} />
      ) : (
        <p className="border-t border-slate-200 px-4 py-3 text-sm text-slate-600" data-testid="read-only-note">
          {t(replying.reason)}
        </p>
      )}
    </Card>
  );
}

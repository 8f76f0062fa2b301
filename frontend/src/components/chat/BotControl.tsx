import { Button } from "../ui";
import { useI18n, type Language } from "../../i18n";
import type { Conversation } from "../../queries/conversations";
import { ChatIcon } from "./icons";

/** When a pause ends, as the person reads time: the time alone today, with the date on another day. */
export function formatPauseEnd(until: Date, language: Language, now: Date = new Date()): string {
  const today = until.toDateString() === now.toDateString();
  const style: Intl.DateTimeFormatOptions = today ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" };
  return new Intl.DateTimeFormat(language, style).format(until);
}

/** Whether the assistant answers this conversation, until when it is paused, and the one line about why. */
export function BotState({ conversation }: { conversation: Conversation }) {
  const { t, language } = useI18n();
  const until = conversation.bot_paused_until ? new Date(conversation.bot_paused_until) : null;
  const paused = conversation.bot_paused;
  return (
    <div className="flex flex-wrap gap-x-1 text-xs text-slate-500">
      <span data-testid="bot-state">
        {paused ? t(conversation.handover ? "inbox.botHandover" : "inbox.botPaused") : t("inbox.botActive")}
      </span>
      {paused && !conversation.handover && until && (
        <span data-testid="bot-paused-until" className="font-medium text-amber-700">
          {t("conversations.pausedUntil", { time: formatPauseEnd(until, language) })}
        </span>
      )}
    </div>
  );
}

/** Pause the assistant (a person takes the chat over) or let it answer again. */
export function BotToggle({
  conversation,
  busy,
  onPause,
  onResume,
}: {
  conversation: Conversation;
  busy: boolean;
  onPause: () => void;
  onResume: () => void;
}) {
  const { t } = useI18n();
  const paused = conversation.bot_paused;
  const label = t(paused ? "inbox.resume" : "conversations.pause");
  return (
    <Button
      variant="secondary"
      onClick={paused ? onResume : onPause}
      disabled={busy}
      title={label}
      className="shrink-0"
      data-testid="bot-toggle"
    >
      <ChatIcon name={paused ? "play" : "pause"} className="h-4 w-4" />
      <span className="sr-only sm:not-sr-only">{label}</span>
    </Button>
  );
}

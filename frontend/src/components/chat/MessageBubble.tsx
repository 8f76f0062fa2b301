import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import type { Message } from "../../queries/conversations";
import { LinkifiedText } from "./LinkifiedText";

const STYLES: Record<string, string> = {
  customer: "bg-white border border-slate-200 text-slate-900",
  bot: "bg-brand-600 text-white",
  human: "bg-emerald-600 text-white",
  owner: "bg-emerald-600 text-white",
};

/** Why a message was not delivered: a reason X8 names (a code) in the reader's language, else the provider's words. */
function deliveryError(error: string, t: (key: MessageKey) => string): string {
  return error === "outside_24h_window" ? t("chat.error.outside_24h_window") : error;
}

/** One message. ``mineSide`` puts the business's messages on the right (the inbox) or the customer's (the playground). */
export function MessageBubble({ message, mineSide }: { message: Message; mineSide: "business" | "customer" }) {
  const { t, language } = useI18n();
  const business = message.direction === "out";
  const right = mineSide === "business" ? business : !business;
  const time = new Date(message.created_at).toLocaleTimeString(language, { hour: "2-digit", minute: "2-digit" });
  return (
    <li className={`flex ${right ? "justify-end" : "justify-start"}`} data-testid={`message-${message.sender}`}>
      <div className="min-w-0 max-w-[85%] space-y-1 sm:max-w-[80%]">
        {/* overflow-wrap: anywhere lets a long link or word break instead of widening the bubble. */}
        <div
          className={`whitespace-pre-wrap rounded-2xl px-4 py-2 text-sm shadow-sm [overflow-wrap:anywhere] ${STYLES[message.sender] ?? STYLES.customer}`}
        >
          <LinkifiedText text={message.body} />
        </div>
        <div className={`flex gap-2 text-xs text-slate-500 ${right ? "justify-end" : ""}`}>
          <span>{t(`chat.sender.${message.sender}` as MessageKey)}</span>
          <span>{time}</span>
          {business && message.status !== "sent" && (
            <span className={message.status === "failed" ? "text-red-600" : "text-amber-600"} title={message.last_error ?? undefined}>
              {t(`chat.status.${message.status}` as MessageKey)}
            </span>
          )}
        </div>
        {business && message.status === "failed" && message.last_error && (
          <p className={`text-xs text-red-700 ${right ? "text-right" : ""}`} data-testid="message-error">
            {deliveryError(message.last_error, t)}
          </p>
        )}
      </div>
    </li>
  );
}

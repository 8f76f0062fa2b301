import { useI18n } from "../../i18n";
import type { Conversation } from "../../queries/conversations";

type PaymentStatus = Conversation["payment_status"];

const STYLES: Record<PaymentStatus, string> = {
  no_payment_link: "bg-slate-100 text-slate-600",
  payment_link_sent: "bg-amber-100 text-amber-800",
  paid: "bg-emerald-100 text-emerald-800",
};

/** Where the conversation's newest order stands (SPEC.md R-P2). While there is no link, ``quiet`` says nothing:
 * ``always`` (a list row, where "no link" on every chat would be noise) or on ``narrow`` screens (a phone's thread
 * header, where it would crowd out the customer's name). */
export function ConversationPaymentBadge({ status, quiet }: { status: PaymentStatus; quiet?: "always" | "narrow" }) {
  const { t } = useI18n();
  const silent = status === "no_payment_link" && quiet;
  if (silent === "always") return null;
  return (
    <span
      className={`shrink-0 rounded-full px-2 py-0.5 text-xs font-medium ${STYLES[status]} ${silent === "narrow" ? "hidden sm:inline" : ""}`}
      data-testid="payment-status"
      data-status={status}
    >
      {t(`payments.conversation.${status}`)}
    </span>
  );
}

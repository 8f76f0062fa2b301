import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { duration, money, percent } from "./overviewData";
import type { Figures } from "./useOverview";

/** Words for `duration`, in the UI language. */
export function useDurationWords() {
  const { t } = useI18n();
  return { s: t("metrics.seconds"), min: t("metrics.minutes"), h: t("metrics.hours") };
}

function Tile({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid={testId}>
      <div className="text-xs font-medium text-slate-500">{label}</div>
      <div className="mt-1 text-xl font-semibold text-slate-900">{value}</div>
    </div>
  );
}

/** The range's totals as tiles: volume, speed, the assistant's share, and sales. */
export function FigureTiles({ totals }: { totals: Figures }) {
  const { t, language } = useI18n();
  const words = useDurationWords();
  const number = new Intl.NumberFormat(language);
  const none = t("metrics.none");
  const tiles: [MessageKey, string, string][] = [
    ["metrics.figure.conversations", number.format(totals.conversations), "conversations"],
    ["metrics.figure.newContacts", number.format(totals.new_contacts), "new-contacts"],
    ["metrics.figure.messagesIn", number.format(totals.messages_in), "messages-in"],
    ["metrics.figure.messagesOut", number.format(totals.messages_out), "messages-out"],
    ["metrics.figure.firstResponse", duration(totals.first_response_p50_ms, words, language) ?? none, "first-response-p50"],
    ["metrics.figure.firstResponseP90", duration(totals.first_response_p90_ms, words, language) ?? none, "first-response-p90"],
    ["metrics.figure.botResolution", percent(totals.bot_resolution_rate, language) ?? none, "bot-resolution"],
    ["metrics.figure.handovers", number.format(totals.handovers), "handovers"],
    ["metrics.figure.linksSent", number.format(totals.payment_links_sent), "links-sent"],
    ["metrics.figure.ordersPaid", number.format(totals.orders_paid), "orders-paid"],
    ["metrics.figure.linkToPaid", percent(totals.link_to_paid_rate, language) ?? none, "link-to-paid"],
    ["metrics.figure.paidToBooked", percent(totals.paid_to_booked_rate, language) ?? none, "paid-to-booked"],
    ["metrics.figure.revenue", money(totals.revenue, language) ?? none, "revenue"],
    ["metrics.figure.bookings", number.format(totals.bookings), "bookings"],
  ];
  return (
    <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
      {tiles.map(([label, value, id]) => (
        <Tile key={id} label={t(label)} value={value} testId={`metric-${id}`} />
      ))}
    </div>
  );
}

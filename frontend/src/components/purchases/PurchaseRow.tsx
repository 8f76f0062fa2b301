import { Link } from "react-router-dom";

import { useI18n } from "../../i18n";
import type { Purchase } from "../../queries/purchases";
import { ChannelIcon } from "../ChannelIcon";
import { LeadSourceBadge } from "./LeadSourceBadge";
import { formatMoney } from "./money";
import { PurchaseStatusBadge } from "./PurchaseStatusBadge";

/** A booking's time as the company's clock reads it: the ISO string carries the company's offset, so its
 * digits are read as they are rather than moved into the browser's zone. */
function companyClock(iso: string, language: string): string {
  return new Date(`${iso.slice(0, 16)}Z`).toLocaleString(language, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
}

/** One order: who bought on which channel (and where they came from), what and how many, the total, its status and
 * when it was paid, and the chat it was sold in. ``companyName``: shown when the log mixes several companies. */
export function PurchaseRow({ order, companyName }: { order: Purchase; companyName?: string }) {
  const { t, language } = useI18n();
  const when = (iso: string) => new Date(iso).toLocaleString(language, { dateStyle: "medium", timeStyle: "short" });
  const buyer = order.contact.name || order.contact.handle;
  return (
    <li className="grid gap-3 px-4 py-4 sm:px-5 lg:grid-cols-[minmax(0,15rem)_minmax(0,1fr)_12rem] lg:gap-6" data-testid="purchase" data-order={order.id}>
      <div className="min-w-0 space-y-1.5">
        <div className="flex items-center gap-2">
          <ChannelIcon platform={order.channel} />
          <div className="min-w-0">
            <div className="truncate font-medium text-slate-900" data-testid="purchase-contact">
              {buyer}
            </div>
            {order.contact.name && order.contact.handle && order.contact.handle !== order.contact.name && (
              <div className="truncate text-xs text-slate-500">{order.contact.handle}</div>
            )}
          </div>
        </div>
        <div className="flex flex-wrap gap-1.5">
          {order.lead_source && <LeadSourceBadge source={order.lead_source} />}
          {companyName && <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-600">{companyName}</span>}
        </div>
      </div>
      <div className="min-w-0 space-y-1">
        <ul className="space-y-0.5 text-sm text-slate-800" data-testid="purchase-items">
          {order.items.map((item, i) => (
            <li key={`${item.kb_row_id ?? ""}-${i}`}>
              {t("payments.purchases.itemLine", {
                quantity: item.quantity,
                name: item.name,
                price: formatMoney(item.unit_amount, item.currency, language),
              })}
            </li>
          ))}
        </ul>
        {order.booking && order.booking.status === "confirmed" && (
          <p className="text-sm text-slate-700" data-testid="purchase-booking">
            {t(order.booking.kind === "delivery" ? "payments.purchases.delivery" : "payments.purchases.appointment", {
              time: companyClock(order.booking.start, language),
              place: [order.booking.city, order.booking.address].filter(Boolean).join(", "),
            })}
          </p>
        )}
        <p className="text-xs text-slate-500">
          {t("payments.purchases.ordered", { time: when(order.created_at) })}
          {order.paid_at && (
            <span data-testid="purchase-paid-at"> · {t("payments.purchases.paidAt", { time: when(order.paid_at) })}</span>
          )}
        </p>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2 lg:flex-col lg:items-end lg:justify-start">
        <div className="text-lg font-semibold text-slate-900" data-testid="purchase-amount">
          {formatMoney(order.amount, order.currency, language)}
        </div>
        <PurchaseStatusBadge status={order.status} />
        {order.conversation_id && (
          <Link
            to={`/conversations?company=${order.company_id}&conversation=${order.conversation_id}`}
            className="w-full text-sm font-semibold text-brand-700 hover:underline lg:w-auto"
          >
            {t("payments.purchases.openChat")}
          </Link>
        )}
      </div>
    </li>
  );
}

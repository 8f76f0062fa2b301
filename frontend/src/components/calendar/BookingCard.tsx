import { useState } from "react";
import { Link } from "react-router-dom";

import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { useCancelBooking, type Booking, type BookingFormat } from "../../queries/booking";
import { LeadSourceBadge } from "../purchases/LeadSourceBadge";
import { Button, ErrorAlert } from "../ui";
import { timeIn } from "./dates";

export const FORMATS: readonly BookingFormat[] = ["online", "offline"];

interface Props {
  booking: Booking;
  companyId: string;
  zone: string;
  canCancel: boolean;
}

/** One booking in the week: its time in the company's zone, what it is, where, and where it came from. */
export function BookingCard({ booking, companyId, zone, canCancel }: Props) {
  const { t, language } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const cancel = useCancelBooking();
  const cancelled = booking.status === "cancelled";
  const place =
    booking.kind === "delivery"
      ? [booking.city, booking.address].filter(Boolean).join(", ")
      : booking.format && t(`calendar.format.${booking.format}` as MessageKey);

  return (
    <li
      data-testid="booking"
      className={`space-y-1 rounded-lg border p-2 text-sm ${cancelled ? "border-slate-200 bg-slate-50 text-slate-500" : "border-brand-200 bg-brand-50"}`}
    >
      <p className={`font-semibold ${cancelled ? "line-through" : "text-slate-900"}`}>
        {timeIn(booking.start, zone, language)}–{timeIn(booking.end, zone, language)}
      </p>
      <p className="text-xs text-slate-600">
        {t(`calendar.kind.${booking.kind}` as MessageKey)}
        {place && <> · {place}</>}
      </p>
      {cancelled && <p className="text-xs font-medium">{t("calendar.booking.cancelled")}</p>}
      {booking.lead_source && <LeadSourceBadge source={booking.lead_source} />}
      <div className="flex flex-wrap gap-x-3 text-xs">
        {booking.order_id && (
          <Link className="text-brand-700 hover:underline" to={`/purchases?company=${companyId}`}>
            {t("calendar.booking.order")}
          </Link>
        )}
        {booking.conversation_id && (
          <Link className="text-brand-700 hover:underline" to={`/conversations?company=${companyId}&conversation=${booking.conversation_id}`}>
            {t("calendar.booking.conversation")}
          </Link>
        )}
      </div>
      {canCancel && !cancelled && !confirming && (
        <button type="button" className="text-xs font-medium text-red-700 hover:underline" onClick={() => setConfirming(true)}>
          {t("calendar.booking.cancel")}
        </button>
      )}
      {confirming && !cancelled && (
        <div className="space-y-2 rounded-md bg-white p-2" role="group" aria-label={t("calendar.booking.confirmCancel")}>
          <p className="text-xs text-slate-700">{t("calendar.booking.confirmCancel")}</p>
          <div className="flex gap-2">
            <Button variant="danger" className="px-2 py-1 text-xs" disabled={cancel.isPending} onClick={() => cancel.mutate(booking.id)}>
              {t("calendar.booking.confirmYes")}
            </Button>
            <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => setConfirming(false)}>
              {t("calendar.booking.confirmNo")}
            </Button>
          </div>
          <ErrorAlert error={cancel.error} />
        </div>
      )}
    </li>
  );
}

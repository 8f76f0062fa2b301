import { useMemo, useState } from "react";

import { useI18n } from "../../i18n";
import { useBookings, type Booking } from "../../queries/booking";
import { Button, Card, ErrorAlert, Spinner } from "../ui";
import { BookingCard } from "./BookingCard";
import { addDays, dayIn, dayLabel, mondayOf } from "./dates";

interface Props {
  companyId: string;
  zone: string;
  canEdit: boolean;
}

/** The bookings of one week, Monday to Sunday in the company's time zone: seven columns on a wide screen, a list of
 * the days that have bookings on a phone. */
export function WeekView({ companyId, zone, canEdit }: Props) {
  const { t, language } = useI18n();
  const today = dayIn(new Date(), zone);
  const [monday, setMonday] = useState(() => mondayOf(today));
  const days = useMemo(() => Array.from({ length: 7 }, (_, i) => addDays(monday, i)), [monday]);
  const bookings = useBookings(companyId, monday, addDays(monday, 6));
  const byDay = useMemo(() => {
    const map = new Map<string, Booking[]>(days.map((day) => [day, []]));
    for (const booking of bookings.data ?? []) map.get(dayIn(booking.start, zone))?.push(booking);
    for (const list of map.values()) list.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    return map;
  }, [bookings.data, days, zone]);
  const count = [...byDay.values()].reduce((sum, list) => sum + list.length, 0);

  return (
    <Card testId="week-view">
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 className="text-lg font-semibold">{t("calendar.week.title")}</h2>
          <p className="text-sm text-slate-600" data-testid="week-range">
            {dayLabel(days[0] ?? monday, language)} – {dayLabel(days[6] ?? monday, language)} · {t("calendar.week.zone", { zone })}
          </p>
        </div>
        <div className="flex gap-2">
          <Button variant="secondary" className="px-3 py-1.5" onClick={() => setMonday(addDays(monday, -7))} aria-label={t("calendar.week.previous")}>
            ←
          </Button>
          <Button variant="secondary" className="px-3 py-1.5" onClick={() => setMonday(mondayOf(today))} disabled={monday === mondayOf(today)}>
            {t("calendar.week.thisWeek")}
          </Button>
          <Button variant="secondary" className="px-3 py-1.5" onClick={() => setMonday(addDays(monday, 7))} aria-label={t("calendar.week.next")}>
            →
          </Button>
        </div>
      </div>
      <ErrorAlert error={bookings.error} />
      {bookings.isPending && <Spinner label={t("common.loading")} />}
      {bookings.isSuccess && (
        <>
          {count === 0 && <p className="mb-3 text-sm text-slate-500 md:hidden">{t("calendar.week.empty")}</p>}
          <ol className="grid grid-cols-1 gap-3 md:grid-cols-7 md:gap-2">
            {days.map((day) => {
              const list = byDay.get(day) ?? [];
              return (
                <li
                  key={day}
                  data-testid={`day-${day}`}
                  className={`min-w-0 rounded-lg md:min-h-32 md:border md:border-slate-100 md:p-2 ${list.length === 0 ? "hidden md:block" : ""}`}
                >
                  <p className={`mb-2 text-xs font-semibold uppercase tracking-wide ${day === today ? "text-brand-700" : "text-slate-500"}`}>
                    <time dateTime={day}>{dayLabel(day, language)}</time>
                  </p>
                  <ul className="space-y-2">
                    {list.map((booking) => (
                      <BookingCard key={booking.id} booking={booking} companyId={companyId} zone={zone} canCancel={canEdit} />
                    ))}
                  </ul>
                </li>
              );
            })}
          </ol>
          {count === 0 && <p className="mt-3 hidden text-sm text-slate-500 md:block">{t("calendar.week.empty")}</p>}
        </>
      )}
    </Card>
  );
}

import { useState } from "react";

import { useI18n } from "../../i18n";
import { Button } from "../ui";
import { dayLabel, isDay } from "./dates";

interface Props {
  dates: string[];
  onChange: (dates: string[]) => void;
  error: (path: string) => string | undefined;
  disabled: boolean;
}

/** Days the company takes no bookings (holidays), kept sorted and without repeats. */
export function ClosedDates({ dates, onChange, error, disabled }: Props) {
  const { t, language } = useI18n();
  const [day, setDay] = useState("");
  const add = () => {
    if (!isDay(day)) return;
    onChange([...new Set([...dates, day])].sort());
    setDay("");
  };
  const messages = [error("closed_dates"), ...dates.map((_, i) => error(`closed_dates.${i}`))].filter(Boolean);

  return (
    <div className="space-y-2">
      {dates.length === 0 && <p className="text-sm text-slate-500">{t("calendar.closed.none")}</p>}
      <ul className="flex flex-wrap gap-2" aria-label={t("calendar.closed.title")}>
        {dates.map((date) => (
          <li key={date} className="inline-flex items-center gap-1 rounded-full bg-slate-100 px-3 py-1 text-sm text-slate-700">
            <time dateTime={date}>{dayLabel(date, language)} {date.slice(0, 4)}</time>
            {!disabled && (
              <button
                type="button"
                className="ml-1 text-slate-500 hover:text-red-700"
                aria-label={t("calendar.closed.remove", { date })}
                onClick={() => onChange(dates.filter((d) => d !== date))}
              >
                ✕
              </button>
            )}
          </li>
        ))}
      </ul>
      {!disabled && (
        <div className="flex flex-wrap items-center gap-2">
          <input
            type="date"
            aria-label={t("calendar.closed.pick")}
            value={day}
            onChange={(e) => setDay(e.target.value)}
            className="rounded-lg border border-slate-300 px-2 py-1.5 text-sm"
          />
          <Button variant="secondary" className="px-3 py-1.5" onClick={add} disabled={!isDay(day)}>
            {t("calendar.closed.add")}
          </Button>
        </div>
      )}
      {messages.map((message) => (
        <p key={message} className="text-xs text-red-600">
          {message}
        </p>
      ))}
    </div>
  );
}

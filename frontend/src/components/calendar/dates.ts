/* Calendar days as "YYYY-MM-DD" strings in the company's time zone. Day arithmetic is done on UTC midnights, which
 * have no DST, so adding a day never lands on the wrong date; instants are only ever turned into a day or a time
 * through Intl with the company's zone, never the browser's. */

const DAY_MS = 86_400_000;

function toUtc(day: string): number {
  const [y, m, d] = day.split("-").map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

export function addDays(day: string, days: number): string {
  return new Date(toUtc(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 is Monday, as the API counts weekdays. */
export function weekdayOf(day: string): number {
  return (new Date(toUtc(day)).getUTCDay() + 6) % 7;
}

export function mondayOf(day: string): string {
  return addDays(day, -weekdayOf(day));
}

/** The day an instant falls on in `zone`. */
export function dayIn(instant: string | Date, zone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(instant),
  );
}

export function timeIn(instant: string, zone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(new Date(instant));
}

/** "Mon 7 Dec" / "пн, 7 дек." for a day, in the UI language. */
export function dayLabel(day: string, locale: string, long = false): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: "UTC",
    weekday: long ? "long" : "short",
    day: "numeric",
    month: long ? "long" : "short",
  }).format(new Date(toUtc(day)));
}

export function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && addDays(value, 0) === value;
}

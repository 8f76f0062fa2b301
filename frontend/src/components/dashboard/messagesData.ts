/** The messages-per-day answer, shaped for the chart, its text summary and its table. No React, no chart code. */
import type { MessageKey } from "../../i18n/en";
import type { MessagesPerDay } from "../../queries/metrics";

/** Company colours, in order; distinct for the common kinds of colour blindness as far as eight allow. */
const PALETTE = ["#4f46e5", "#0d9488", "#d97706", "#db2777", "#0284c7", "#65a30d", "#7c3aed", "#dc2626"];

export interface CompanySeries {
  id: string;
  name: string;
  color: string;
  received: number;
  sent: number;
}

export interface DayRow {
  day: string; // YYYY-MM-DD
  label: string; // the day in the UI language, for the axis
  counts: Record<string, { received: number; sent: number }>; // by company id
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export function toSeries(data: MessagesPerDay): CompanySeries[] {
  return data.companies.map((c, i) => ({
    id: c.id,
    name: c.name,
    color: PALETTE[i % PALETTE.length] ?? "#4f46e5",
    received: sum(c.messages_in),
    sent: sum(c.messages_out),
  }));
}

export function toRows(data: MessagesPerDay, language: string): DayRow[] {
  const short = dayFormat(language, { day: "numeric", month: "short" });
  return data.days.map((day, i) => ({
    day,
    label: short(day),
    counts: Object.fromEntries(
      data.companies.map((c) => [c.id, { received: c.messages_in[i] ?? 0, sent: c.messages_out[i] ?? 0 }]),
    ),
  }));
}

export function dayTotal(row: DayRow, companyId: string): number {
  const counts = row.counts[companyId];
  return counts ? counts.received + counts.sent : 0;
}

export function hasMessages(series: CompanySeries[]): boolean {
  return series.some((s) => s.received + s.sent > 0);
}

/** Formats a calendar day (YYYY-MM-DD) in the UI language. The day is read as UTC and formatted in UTC, so the
 * browser's own time zone cannot move it to the day before. */
export function dayFormat(language: string, options: Intl.DateTimeFormatOptions): (day: string) => string {
  const format = new Intl.DateTimeFormat(language, { ...options, timeZone: "UTC" });
  return (day) => format.format(new Date(`${day}T00:00:00Z`));
}

/** "the last 14 days" in the UI language's plural form. */
export function periodKey(language: string, days: number): MessageKey {
  const form = new Intl.PluralRules(language).select(days);
  if (form === "one" || form === "few" || form === "many") return `dashboard.chart.period.${form}`;
  return "dashboard.chart.period.other";
}

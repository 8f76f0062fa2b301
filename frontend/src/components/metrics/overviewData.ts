/** Pure helpers of the Metrics page: date ranges, number formats, chart rows and the CSV export. */
import type { Figures, Overview } from "./useOverview";

/** The figures a CSV row carries, in the API's names (the column headers). */
const CSV_FIGURES = [
  "conversations",
  "new_contacts",
  "messages_in",
  "messages_out",
  "type1",
  "type2",
  "type3",
  "first_response_p50_ms",
  "first_response_p90_ms",
  "bot_resolution_rate",
  "handovers",
  "payment_links_sent",
  "orders_paid",
  "link_to_paid_rate",
  "paid_to_booked_rate",
  "bookings",
] as const satisfies readonly (keyof Figures)[];

/** `YYYY-MM-DD` of a local date. */
export function isoDay(date: Date): string {
  const m = String(date.getMonth() + 1).padStart(2, "0");
  const d = String(date.getDate()).padStart(2, "0");
  return `${date.getFullYear()}-${m}-${d}`;
}

/** The last `days` days ending today (the browser's today; the server uses the company's or the person's zone). */
export function lastDays(days: number, today: Date = new Date()): { from: string; to: string } {
  const start = new Date(today);
  start.setDate(start.getDate() - (days - 1));
  return { from: isoDay(start), to: isoDay(today) };
}

/** A response time in ms as a short human figure (420 ms → "0.4 s", 95 000 → "1.6 min"). */
export function duration(ms: number | null | undefined, words: { s: string; min: string; h: string }, language: string): string | null {
  if (ms == null) return null;
  const one = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  if (ms < 60_000) return words.s.replace("{value}", one.format(ms / 1000));
  if (ms < 3_600_000) return words.min.replace("{value}", one.format(ms / 60_000));
  return words.h.replace("{value}", one.format(ms / 3_600_000));
}

export function percent(rate: number | null | undefined, language: string): string | null {
  if (rate == null) return null;
  return new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 1 }).format(rate);
}

/** Revenue per currency as "1,250.00 USD · 3,000 JPY" in the UI language; null when nothing was paid. */
export function money(revenue: Record<string, string>, language: string): string | null {
  const parts = Object.entries(revenue).map(([currency, amount]) => {
    try {
      return new Intl.NumberFormat(language, { style: "currency", currency }).format(Number(amount));
    } catch {
      return `${amount} ${currency}`;
    }
  });
  return parts.length ? parts.join(" · ") : null;
}

/** A period's first day as a short label ("1 Dec", "Dec 2026" for months). */
export function periodLabel(period: string, granularity: string, language: string): string {
  const [y = 1970, m = 1, d = 1] = period.split("-").map(Number);
  const date = new Date(y, m - 1, d);
  const options: Intl.DateTimeFormatOptions =
    granularity === "month" ? { month: "short", year: "numeric" } : { day: "numeric", month: "short" };
  return new Intl.DateTimeFormat(language, options).format(date);
}

function csvCell(value: unknown): string {
  const text = value == null ? "" : String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The overview as CSV: one row per period, then the totals, one column per figure, revenue per currency. */
export function toCsv(overview: Overview, periodHeader: string): string {
  const rows = [...overview.series.map((s) => ({ label: s.period, figures: s as Figures })), { label: "total", figures: overview.totals }];
  const currencies = [...new Set(rows.flatMap((r) => Object.keys(r.figures.revenue)))].sort();
  const header = [periodHeader, ...CSV_FIGURES, ...currencies.map((c) => `revenue_${c}`)];
  const lines = rows.map((r) => [r.label, ...CSV_FIGURES.map((f) => r.figures[f]), ...currencies.map((c) => r.figures.revenue[c] ?? "0")]);
  return [header, ...lines].map((line) => line.map(csvCell).join(",")).join("\n") + "\n";
}

/** Offer `text` as a file download. */
export function download(name: string, text: string, type = "text/csv;charset=utf-8"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

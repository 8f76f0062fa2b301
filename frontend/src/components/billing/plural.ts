import type { Language } from "../../i18n";

export type PluralForm = "one" | "few" | "many";

/** Which plural form a count takes: English has one and other ("few" and "many" hold the same words); Russian has
 * one (1, 21), few (2–4, 22–24) and many (5–20, 25…). */
export function pluralForm(count: number, language: Language): PluralForm {
  if (language === "en") return count === 1 ? "one" : "many";
  const tens = count % 100;
  const ones = count % 10;
  if (ones === 1 && tens !== 11) return "one";
  if (ones >= 2 && ones <= 4 && (tens < 12 || tens > 14)) return "few";
  return "many";
}

export function formatDate(value: string, language: Language): string {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium" }).format(new Date(value));
}

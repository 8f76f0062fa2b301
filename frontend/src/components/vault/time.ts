import type { Language } from "../../i18n";

/** "6 Dec, 19:45" in the dashboard's language. */
export function shortDateTime(iso: string, language: Language): string {
  return new Date(iso).toLocaleString(language === "ru" ? "ru-RU" : "en-GB", {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
}

// The IANA time zones the dashboard offers, their current UTC offsets, and matching what a person types.
import type { TimeZone } from "../queries/companies";
import { SERVER_TIME_ZONES } from "./serverTimeZones";

export function isServerTimeZone(name: string): name is TimeZone {
  return Object.hasOwn(SERVER_TIME_ZONES, name);
}

// Chromium lists a few zones under names the IANA database has since replaced (ICU keeps the old ones as its
// canonical ids). The same place under today's name is what people search for and what is stored.
const RENAMED: Record<string, string> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Coral_Harbour": "America/Atikokan",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};
const FORMER_NAME = new Map(Object.entries(RENAMED).map(([old, current]) => [current, old]));

/**
 * The zones to offer: the browser's list under today's names, less any the server does not know (its tz database
 * can be older or newer than the browser's), plus UTC. A browser without Intl.supportedValuesOf gets the server's
 * Area/City zones.
 */
export function offeredTimeZones(): TimeZone[] {
  const browser: string[] =
    typeof Intl.supportedValuesOf === "function"
      ? Intl.supportedValuesOf("timeZone")
      : Object.keys(SERVER_TIME_ZONES).filter((zone) => /^[A-Z][a-z]+\/[A-Z]/.test(zone) && !zone.startsWith("Etc/"));
  const zones = new Set<TimeZone>(["UTC"]);
  for (const name of browser) {
    const current = RENAMED[name] ?? name;
    if (isServerTimeZone(current)) zones.add(current);
    else if (isServerTimeZone(name)) zones.add(name);
  }
  return [...zones].sort((a, b) => (a === "UTC" ? -1 : b === "UTC" ? 1 : a.localeCompare(b)));
}

export interface ZoneInfo {
  zone: TimeZone;
  /** The place, as people write it: "Buenos Aires". */
  city: string;
  /** The zone's name in the UI language when the browser knows one ("Kazakhstan Time", "Казахстан"). */
  localName: string;
  /** Minutes east of UTC, now (daylight saving time included). */
  offsetMinutes: number;
  /** "UTC+05:00", "UTC−03:30". */
  offsetLabel: string;
  /** Lower-case words a query is matched against. */
  haystack: string;
}

function timeZoneName(zone: string, locale: string, style: "longOffset" | "longGeneric", at: Date): string {
  const parts = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: style }).formatToParts(at);
  return parts.find((p) => p.type === "timeZoneName")?.value ?? "";
}

function offsetOf(zone: string, at: Date): number {
  const match = /GMT([+-])(\d{1,2}):?(\d{2})?/.exec(timeZoneName(zone, "en-US", "longOffset", at));
  if (!match) return 0; // plain "GMT"
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === "-" ? -minutes : minutes;
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "−" : "+";
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

function words(text: string): string {
  return text.toLowerCase().replace(/[_/]/g, " ");
}

const cache = new Map<string, ZoneInfo>();

export function zoneInfo(zone: TimeZone, locale: string, at: Date = new Date()): ZoneInfo {
  const key = `${locale} ${zone}`;
  const known = cache.get(key);
  if (known) return known;
  const offsetMinutes = offsetOf(zone, at);
  const generic = timeZoneName(zone, locale, "longGeneric", at);
  // Where the browser has no name for the zone it answers with an offset ("GMT+05:00"), which says nothing new.
  const localName = /^(GMT|UTC)([+\-−]|$)/.test(generic) ? "" : generic;
  const city = (zone.split("/").at(-1) ?? zone).replace(/_/g, " ");
  const haystack = words([zone, localName, FORMER_NAME.get(zone) ?? ""].join(" "));
  const info = { zone, city, localName, offsetMinutes, offsetLabel: formatOffset(offsetMinutes), haystack };
  cache.set(key, info);
  return info;
}

// "+05", "-3", "UTC+05:30", "gmt −8": an offset, compared as a number; anything else is matched as words.
const OFFSET_QUERY = /^(?:utc|gmt)?\s*([+\-−])\s*(\d{1,2})(?::?(\d{2}))?$/;

/** The zones that match a query, those whose place starts with it first. An empty query matches every zone. */
export function matchZones(zones: ZoneInfo[], query: string): ZoneInfo[] {
  const q = query.trim().toLowerCase();
  if (!q) return zones;
  const offset = OFFSET_QUERY.exec(q);
  if (offset) {
    const sign = offset[1] === "+" ? 1 : -1;
    const hours = Number(offset[2]);
    const minutes = offset[3] === undefined ? null : Number(offset[3]);
    return zones.filter((z) => {
      if (Math.sign(z.offsetMinutes) !== sign && !(z.offsetMinutes === 0 && hours === 0)) return false;
      const abs = Math.abs(z.offsetMinutes);
      return Math.floor(abs / 60) === hours && (minutes === null || abs % 60 === minutes);
    });
  }
  const terms = words(q).split(/\s+/).filter(Boolean);
  const found = zones.filter((z) => terms.every((term) => z.haystack.includes(term)));
  const first = words(q);
  return [...found.filter((z) => words(z.city).startsWith(first)), ...found.filter((z) => !words(z.city).startsWith(first))];
}

/** Finding web links in a message's text, so they can be shown as links and everything else as plain text.
 *
 * Only http(s) URLs and bare `www.` hosts are links: any other scheme (`javascript:`, `data:`, …) stays text. */

export type Segment = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

// A candidate starts at a word boundary with a scheme or `www.` and runs to whitespace or a character that never
// belongs to a URL in running text; trailing punctuation is trimmed below.
const CANDIDATE = /\b(?:https?:\/\/|www\.)[^\s<>"'`«»“”]+/giu;
const TRAILING = new Set([".", ",", ";", ":", "!", "?", "…", "'", '"']);
const CLOSING: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** Drop what ends a sentence rather than the URL: "see https://x.io/a." or "(https://x.io/a)". */
function trimEnd(candidate: string): string {
  let end = candidate.length;
  while (end > 0) {
    const last = candidate.charAt(end - 1);
    const kept = candidate.slice(0, end);
    const opening = CLOSING[last];
    if (TRAILING.has(last) || (opening !== undefined && count(kept, last) > count(kept, opening))) end -= 1;
    else break;
  }
  return candidate.slice(0, end);
}

/** The address a candidate opens, or null when it is not a usable http(s) URL. */
function hrefOf(candidate: string): string | null {
  const absolute = /^https?:\/\//i.test(candidate) ? candidate : `https://${candidate}`;
  try {
    const url = new URL(absolute);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    if (!url.hostname || (!url.hostname.includes(".") && url.hostname !== "localhost")) return null;
    return url.href;
  } catch {
    return null;
  }
}

/** The text cut into plain parts and links, in order; joining every part's ``text`` gives the text back. */
export function splitLinks(text: string): Segment[] {
  const segments: Segment[] = [];
  let plain = "";
  let from = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const candidate = trimEnd(match[0]);
    const href = candidate ? hrefOf(candidate) : null;
    if (href === null) continue;
    plain += text.slice(from, start);
    if (plain) segments.push({ kind: "text", text: plain });
    plain = "";
    segments.push({ kind: "link", text: candidate, href });
    from = start + candidate.length;
  }
  plain += text.slice(from);
  if (plain) segments.push({ kind: "text", text: plain });
  return segments;
}

import { Fragment, type ReactNode } from "react";

/** A FAQ entry's Markdown as readable text: lines kept, **bold** and `code` shown as such; nothing else is
 * interpreted, so no markup from the answer can reach the page as HTML. */
export function AnswerText({ text }: { text: string }) {
  return <div className="whitespace-pre-wrap break-words text-sm text-slate-800">{inline(text)}</div>;
}

function inline(text: string): ReactNode[] {
  return text.split(/(\*\*[^*]+\*\*|`[^`]+`)/g).map((part, index) => {
    if (part.startsWith("**") && part.endsWith("**") && part.length > 4) return <strong key={index}>{part.slice(2, -2)}</strong>;
    if (part.startsWith("`") && part.endsWith("`") && part.length > 2)
      return (
        <code key={index} className="rounded bg-slate-100 px-1">
          {part.slice(1, -1)}
        </code>
      );
    return <Fragment key={index}>{part}</Fragment>;
  });
}

/** "8 Dec, 10:30" in the UI language and the browser's time zone. */
export function when(instant: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(
    new Date(instant),
  );
}

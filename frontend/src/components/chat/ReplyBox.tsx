import { useState, type FormEvent } from "react";

import { Button } from "../ui";
import { useI18n } from "../../i18n";
import { ChatIcon } from "./icons";

/** Write a reply as a person; ``onSend`` resolves when it is stored, and the box empties then. */
export function ReplyBox({ busy, onSend }: { busy: boolean; onSend: (text: string, sent: () => void) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = text.trim();
    if (body) onSend(body, () => setText(""));
  }

  return (
    <form onSubmit={submit} className="flex gap-2 border-t border-slate-200 p-3">
      <label htmlFor="reply-input" className="sr-only">
        {t("inbox.replyPlaceholder")}
      </label>
      <input
        id="reply-input"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={t("inbox.replyPlaceholder")}
        maxLength={4000}
        autoComplete="off"
        className="min-w-0 flex-1 rounded-lg border border-slate-300 px-3 py-2 text-sm outline-none focus:ring-2 focus:ring-brand-500"
      />
      <Button type="submit" disabled={busy || !text.trim()} title={t("inbox.send")}>
        <ChatIcon name="send" className="h-4 w-4" />
        <span className="sr-only sm:not-sr-only">{t("inbox.send")}</span>
      </Button>
    </form>
  );
}

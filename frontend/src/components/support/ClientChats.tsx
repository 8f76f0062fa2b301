import { useState } from "react";
import { useSearchParams } from "react-router-dom";

import { useI18n } from "../../i18n";
import { useMe } from "../../queries/auth";
import { useChatThreads } from "../../queries/support";
import { Button, Card, ErrorAlert, Spinner } from "../ui";
import { ChatPanel } from "./ChatPanel";
import { when } from "./text";

/** Staff's side: the businesses' threads (a manager's own businesses; every thread for an admin) with unread
 * counts, and the chosen one (kept in the URL as ?client=, so a link opens it). On phones the list and the chat
 * take turns. */
export function ClientChats() {
  const { t, language } = useI18n();
  const me = useMe(true);
  const [search, setSearch] = useState("");
  const [params, setParams] = useSearchParams();
  const chosen = params.get("client") ?? undefined;
  const threads = useChatThreads(search.trim(), true);
  const known = threads.data?.items.find((thread) => thread.client_id === chosen);
  const choose = (clientId: string | undefined) => {
    const next = new URLSearchParams(params);
    if (clientId) next.set("client", clientId);
    else next.delete("client");
    setParams(next, { replace: true });
  };

  return (
    <Card testId="client-chats" padded={false} className="md:grid md:grid-cols-[18rem_1fr]">
      <div className={`border-slate-200 p-4 md:border-r ${chosen ? "hidden md:block" : ""}`}>
        <h2 className="mb-3 text-lg font-semibold">{me.data?.role === "ADMIN" ? t("support.threads.titleAdmin") : t("support.threads.title")}</h2>
        <input
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder={t("support.threads.search")}
          aria-label={t("support.threads.search")}
          className="mb-3 block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm"
        />
        {threads.isPending && <Spinner label={t("common.loading")} />}
        <ErrorAlert error={threads.error} />
        {threads.data?.items.length === 0 && <p className="text-sm text-slate-500">{t("support.threads.none")}</p>}
        <ul className="space-y-1" aria-label={t("support.threads.title")}>
          {threads.data?.items.map((thread) => (
            <li key={thread.client_id}>
              <button
                type="button"
                onClick={() => choose(thread.client_id)}
                data-testid="chat-thread"
                className={`w-full rounded-lg px-3 py-2 text-left text-sm ${thread.client_id === chosen ? "bg-brand-50" : "hover:bg-slate-100"}`}
              >
                <span className="flex items-center justify-between gap-2">
                  <span className="truncate font-medium">{thread.full_name || thread.email}</span>
                  {thread.unread > 0 && (
                    <span className="rounded-full bg-brand-600 px-2 text-xs font-semibold text-white" aria-label={t("support.unread", { count: thread.unread })}>
                      {thread.unread}
                    </span>
                  )}
                </span>
                <span className="block truncate text-xs text-slate-500">
                  {thread.last_message_at ? `${when(thread.last_message_at, language)} · ${thread.last_message_preview ?? ""}` : t("support.threads.noMessages")}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div className={`min-w-0 p-4 ${chosen ? "" : "hidden md:block"}`}>
        {!chosen && <p className="text-sm text-slate-500">{t("support.threads.pick")}</p>}
        {chosen && (
          <div className="space-y-3">
            <div className="flex items-center justify-between gap-2">
              <h3 className="truncate font-semibold">{known ? known.full_name || known.email : ""}</h3>
              <Button variant="ghost" className="md:hidden" onClick={() => choose(undefined)}>
                {t("support.threads.back")}
              </Button>
            </div>
            <ChatPanel key={chosen} clientId={chosen} />
          </div>
        )}
      </div>
    </Card>
  );
}

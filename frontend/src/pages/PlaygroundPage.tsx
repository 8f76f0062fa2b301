import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";

import { BehaviourPanel } from "../components/chat/BehaviourPanel";
import { MessageBubble } from "../components/chat/MessageBubble";
import { CompanyPicker, useSelectedCompany } from "../components/CompanyPicker";
import { Button, Card, ErrorAlert, Spinner } from "../components/ui";
import { NoCompanies } from "../components/NoCompanies";
import { usePermissions } from "../lib/usePermissions";
import { useI18n } from "../i18n";
import { newId } from "../lib/ids";
import { useInboxEvents, useMessages } from "../queries/conversations";
import { useConnectWeb, useSendToPlayground } from "../queries/integrations";


/** Chat with your own assistant as a customer would, through the sandbox ``web`` channel; for those who may (a
 * manager, who could only be refused by the API, is told why instead). */
export function PlaygroundPage() {
  const { t } = useI18n();
  const { check } = usePermissions();
  const allowed = check("playground.use");
  if (allowed.ok) return <Playground />;
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">{t("playground.title")}</h1>
      <Card testId="playground-off">
        <p className="text-sm text-slate-700">{t("wizard.playgroundOff")}</p>
        <p className="mt-2 text-sm text-slate-500">{t(allowed.reason)}</p>
      </Card>
    </div>
  );
}

function Playground() {
  const { t } = useI18n();
  const { companies, company, isPending, error } = useSelectedCompany();
  const connect = useConnectWeb();
  const canEdit = usePermissions().can("assistant.edit");
  const send = useSendToPlayground();
  const [started, setStarted] = useState<Record<string, string>>({});
  const [text, setText] = useState("");
  const bottom = useRef<HTMLLIElement>(null);
  const companyId = company?.id;
  // The sandbox channel of this company (connecting it again is harmless and returns the same channel).
  const channelId = connect.variables === companyId ? connect.data?.channel_id : undefined;
  // The user's own playground chat: the one just started here, or the one the server remembers (any device).
  const remembered = connect.variables === companyId ? (connect.data?.conversation_id ?? undefined) : undefined;
  const conversationId = companyId ? (started[companyId] ?? remembered) : undefined;
  const messages = useMessages(conversationId);
  useInboxEvents(companyId);
  const connectCompany = connect.mutate;

  useEffect(() => {
    if (companyId) connectCompany(companyId);
  }, [companyId, connectCompany]);

  const items = messages.data?.items ?? [];
  useEffect(() => {
    bottom.current?.scrollIntoView?.({ block: "end" });
  }, [items.length]);
  const waiting = items.at(-1)?.direction === "in";

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = text.trim();
    if (!body || !channelId || !company) return;
    send.mutate(
      { channelId, text: body, messageId: newId() },
      {
        onSuccess: (result) => {
          setText("");
          setStarted({ ...started, [company.id]: result.conversation_id });
        },
      },
    );
  }

  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t("playground.title")}</h1>
          <p className="text-sm text-slate-600">{t("playground.subtitle")}</p>
        </div>
        <CompanyPicker companies={companies} value={company?.id} />
      </div>
      {isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={error ?? connect.error ?? send.error ?? messages.error} />
      {!isPending && !company && <NoCompanies />}
      {company && (
        <Card className="flex h-[60vh] flex-col" padded={false} testId="playground">
          <ul className="flex-1 space-y-3 overflow-y-auto bg-slate-50 p-4" aria-live="polite">
            {items.length === 0 && <li className="py-10 text-center text-sm text-slate-500">{t("playground.empty")}</li>}
            {items.map((m) => (
              <MessageBubble key={m.id} message={m} mineSide="customer" />
            ))}
            {waiting && (
              <li className="text-sm text-slate-500" data-testid="typing">
                {t("playground.typing")}
              </li>
            )}
            <li ref={bottom} aria-hidden />
          </ul>
          <form onSubmit={submit} className="flex gap-2 border-t border-slate-200 p-3">
            <label htmlFor="playground-input" className="sr-only">
              {t("playground.placeholder")}
            </label>
            <input
              id="playground-input"
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={t("playground.placeholder")}
              maxLength={4000}
              className="flex-1 rounded-lg border border-slate-300 px-3 py-2 text-sm outline-none focus:ring-2 focus:ring-brand-500"
            />
            <Button type="submit" disabled={!channelId || send.isPending || !text.trim()}>
              {t("playground.send")}
            </Button>
          </form>
        </Card>
      )}
      {company && canEdit && <BehaviourPanel companyId={company.id} />}
      {company && conversationId && (
        <p className="text-sm text-slate-600">
          <Link className="text-brand-700 hover:underline" to={`/conversations?company=${company.id}&conversation=${conversationId}`}>
            {t("playground.openInInbox")}
          </Link>
        </p>
      )}
    </div>
  );
}

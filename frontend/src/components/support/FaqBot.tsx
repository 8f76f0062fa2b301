import { useState, type FormEvent } from "react";

import { useI18n } from "../../i18n";
import { useAskFaq, type FaqAnswer } from "../../queries/support";
import { Button, Card, ErrorAlert } from "../ui";
import { AnswerText } from "./text";

interface Exchange {
  question: string;
  answer: FaqAnswer;
}

/** Ask the FAQ bot; each answer shows the entries it came from, or says the FAQ does not cover it. */
export function FaqBot() {
  const { t } = useI18n();
  const ask = useAskFaq();
  const [question, setQuestion] = useState("");
  const [history, setHistory] = useState<Exchange[]>([]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const asked = question.trim();
    if (!asked) return;
    ask.mutate(asked, {
      onSuccess: (answer) => {
        setHistory((before) => [...before, { question: asked, answer }]);
        setQuestion("");
      },
    });
  };

  return (
    <Card testId="faq-bot" className="space-y-4">
      <div>
        <h2 className="text-lg font-semibold">{t("support.faq.title")}</h2>
        <p className="text-sm text-slate-600">{t("support.faq.subtitle")}</p>
      </div>
      {history.length > 0 && (
        <ol className="space-y-4" aria-label={t("support.faq.title")}>
          {history.map((exchange, index) => (
            <li key={index} className="space-y-2" data-testid="faq-exchange">
              <p className="ml-auto w-fit max-w-[85%] rounded-2xl rounded-br-sm bg-brand-600 px-3 py-2 text-sm text-white">
                <span className="sr-only">{t("support.faq.you")}: </span>
                {exchange.question}
              </p>
              <div className="max-w-[95%] space-y-2 rounded-2xl rounded-bl-sm bg-slate-100 px-3 py-2">
                <AnswerText text={exchange.answer.answer} />
                {exchange.answer.sources.length > 0 ? (
                  <p className="text-xs text-slate-600" data-testid="faq-sources">
                    {t("support.faq.sources")}{" "}
                    {exchange.answer.sources.map((source) => (
                      <span key={source.id} data-entry={source.id} className="mr-1 inline-block rounded-full bg-white px-2 py-0.5 font-medium text-slate-700">
                        {source.title}
                      </span>
                    ))}
                  </p>
                ) : (
                  <p className="text-xs text-slate-600" data-testid="faq-no-sources">
                    {t("support.faq.noSources")}
                  </p>
                )}
                {exchange.answer.engine === "n8n" && <p className="text-xs text-slate-500">{t("support.faq.engineN8n")}</p>}
              </div>
            </li>
          ))}
        </ol>
      )}
      <form onSubmit={submit} className="flex flex-col gap-2 sm:flex-row">
        <label className="sr-only" htmlFor="faq-question">
          {t("support.faq.label")}
        </label>
        <input
          id="faq-question"
          value={question}
          onChange={(e) => setQuestion(e.target.value)}
          maxLength={2000}
          placeholder={t("support.faq.placeholder")}
          className="block w-full rounded-lg border border-slate-300 bg-white px-3 py-2.5 text-sm shadow-sm outline-none focus:ring-2 focus:ring-brand-500"
        />
        <Button type="submit" disabled={ask.isPending || !question.trim()}>
          {ask.isPending ? t("support.faq.asking") : t("support.faq.ask")}
        </Button>
      </form>
      <ErrorAlert error={ask.error} />
    </Card>
  );
}

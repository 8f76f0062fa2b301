import { useState, type FormEvent } from "react";

import { useI18n } from "../../i18n";
import { useBehaviour, usePreview, useSaveBehaviour, type Behaviour } from "../../queries/assistant";
import { useInstallation } from "../../queries/installation";
import { Alert, Button, Card, ErrorAlert, TextField } from "../ui";

interface Form {
  greeting: string;
  instructions: string;
  rules: string;
  enabled: boolean;
  buffer: string;
}

function toDraft(form: Form): Behaviour {
  const rules = form.rules.split("\n").map((r) => r.trim()).filter(Boolean);
  const buffer = form.buffer.trim() === "" ? null : Number(form.buffer);
  return {
    greeting: form.greeting.trim() || null,
    instructions: form.instructions.trim() || null,
    rules: rules.length ? rules : null,
    enabled: form.enabled ? null : false,
    buffer_seconds: buffer !== null && Number.isFinite(buffer) ? buffer : null,
  };
}

function formFrom(saved: Behaviour): Form {
  return {
    greeting: saved.greeting ?? "",
    instructions: saved.instructions ?? "",
    rules: (saved.rules ?? []).join("\n"),
    enabled: saved.enabled !== false,
    buffer: saved.buffer_seconds == null ? "" : String(saved.buffer_seconds),
  };
}

/** Two drafts say the same thing (the form's whitespace and empty lines aside). */
function same(a: Behaviour, b: Behaviour): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Without a language model the built-in responder answers from the catalogue: it uses the greeting, the on/off
 * switch and the merge window, but not free-text instructions or rules. Say so, instead of letting them look live. */
function EngineNote() {
  const { t } = useI18n();
  const installation = useInstallation();
  if (installation.data?.assistant_engine !== "retrieval") return null;
  return (
    <div data-testid="engine-note">
      <Alert kind="info">{t("wizard.behaviour.noLlm")}</Alert>
    </div>
  );
}

function Editor({ companyId, saved, version }: { companyId: string; saved: Behaviour; version: number }) {
  const { t } = useI18n();
  const save = useSaveBehaviour(companyId);
  const preview = usePreview(companyId);
  const [form, setForm] = useState<Form>(() => formFrom(saved));
  const [question, setQuestion] = useState("");
  const dirty = !same(toDraft(form), toDraft(formFrom(saved)));

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate(toDraft(form));
  }

  return (
    <Card testId="behaviour-panel">
      <form onSubmit={submit} className="space-y-4" aria-label={t("behaviour.title")}>
        <div className="flex items-baseline justify-between">
          <h2 className="text-lg font-semibold">{t("behaviour.title")}</h2>
          <span className="text-xs text-slate-500">{t("behaviour.version", { n: version })}</span>
        </div>
        <p className="text-sm text-slate-600">{t("behaviour.subtitle")}</p>
        <EngineNote />
        <TextField label={t("behaviour.greeting")} value={form.greeting} maxLength={1000} onChange={(e) => setForm({ ...form, greeting: e.target.value })} />
        <label className="block space-y-1 text-sm font-medium text-slate-700">
          <span>{t("behaviour.instructions")}</span>
          <textarea value={form.instructions} maxLength={4000} rows={3} onChange={(e) => setForm({ ...form, instructions: e.target.value })} className="block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm" />
        </label>
        <label className="block space-y-1 text-sm font-medium text-slate-700">
          <span>{t("behaviour.rules")}</span>
          <textarea value={form.rules} rows={3} onChange={(e) => setForm({ ...form, rules: e.target.value })} className="block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm" />
        </label>
        <TextField
          label={t("behaviour.buffer")}
          hint={t("behaviour.bufferHint")}
          type="number"
          min={0}
          max={60}
          step={0.5}
          value={form.buffer}
          onChange={(e) => setForm({ ...form, buffer: e.target.value })}
        />
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} />
          {t("behaviour.enabled")}
        </label>
        <div className="flex gap-2">
          <input
            aria-label={t("behaviour.tryQuestion")}
            placeholder={t("behaviour.tryQuestion")}
            value={question}
            onChange={(e) => setQuestion(e.target.value)}
            className="flex-1 rounded-lg border border-slate-300 px-3 py-2 text-sm"
          />
          <Button type="button" variant="secondary" disabled={!question.trim() || preview.isPending} onClick={() => preview.mutate({ text: question.trim(), draft: toDraft(form) })}>
            {t("behaviour.preview")}
          </Button>
        </div>
        {preview.data && (
          <div className="whitespace-pre-wrap rounded-lg bg-slate-50 p-3 text-sm text-slate-800" data-testid="preview-reply">
            {preview.data.reply}
          </div>
        )}
        <ErrorAlert error={save.error ?? preview.error} />
        {save.isSuccess && (
          <Alert kind={save.data.changed === false ? "info" : "success"}>
            {save.data.changed === false ? t("wizard.behaviour.unchanged", { n: save.data.version }) : t("behaviour.saved", { n: save.data.version })}
          </Alert>
        )}
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={save.isPending || !dirty}>{t("behaviour.save")}</Button>
          {!dirty && <span className="text-sm text-slate-500">{t("wizard.behaviour.noChanges")}</span>}
        </div>
      </form>
    </Card>
  );
}

/** The company-level behaviour settings (R-M4): edit, try on a question without saving, save a new version. */
export function BehaviourPanel({ companyId }: { companyId: string }) {
  const behaviour = useBehaviour(companyId);
  if (!behaviour.data) return <ErrorAlert error={behaviour.error} />;
  return <Editor key={`${companyId}-${behaviour.data.version}`} companyId={companyId} saved={behaviour.data.settings} version={behaviour.data.version} />;
}

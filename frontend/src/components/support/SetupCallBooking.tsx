import { useMemo, useState, type FormEvent } from "react";

import { useI18n } from "../../i18n";
import { useBookCall, useCallSlots, type CallSlot } from "../../queries/support";
import { Alert, Button, Card, ErrorAlert, Spinner, TextField } from "../ui";
import { when } from "./text";

const DAYS_AHEAD = 13;

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function plusDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** A business books a video call in its manager's free time over the next two weeks. Times show in the browser's
 * time zone; a business without a manager is told to write in the chat instead. */
export function SetupCallBooking() {
  const { t, language } = useI18n();
  const from = today();
  const to = plusDays(from, DAYS_AHEAD);
  const slots = useCallSlots(from, to, true);
  const book = useBookCall();
  const [chosen, setChosen] = useState<string>("");
  const [topic, setTopic] = useState("");
  const [booked, setBooked] = useState<string | null>(null);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const byDay = useMemo(() => groupByDay(slots.data?.items ?? [], language), [slots.data, language]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!chosen || !topic.trim()) return;
    book.mutate(
      { start: chosen, topic },
      {
        onSuccess: (call) => {
          setBooked(when(call.start, language));
          setChosen("");
          setTopic("");
        },
        onError: () => setChosen(""),
      },
    );
  };

  const noManager = slots.error?.type === "NoManager";
  return (
    <Card testId="setup-call" className="space-y-4">
      <div>
        <h2 className="text-lg font-semibold">{t("support.calls.title")}</h2>
        <p className="text-sm text-slate-600">{t("support.calls.subtitle")}</p>
      </div>
      {booked && <Alert kind="success">{t("support.calls.booked", { when: booked })}</Alert>}
      {slots.isPending && <Spinner label={t("common.loading")} />}
      {noManager && <Alert kind="info">{t("support.calls.noManager")}</Alert>}
      {slots.error && !noManager && <ErrorAlert error={slots.error} />}
      {slots.data && slots.data.items.length === 0 && <p className="text-sm text-slate-600">{t("support.calls.noSlots")}</p>}
      {slots.data && slots.data.items.length > 0 && (
        <form onSubmit={submit} className="space-y-4">
          <fieldset className="space-y-3">
            <legend className="text-sm font-medium text-slate-700">{t("support.calls.pickSlot")}</legend>
            <p className="text-xs text-slate-500">{t("support.calls.timesIn", { zone })}</p>
            <div className="max-h-72 space-y-3 overflow-y-auto">
              {byDay.map(([day, items]) => (
                <div key={day}>
                  <div className="mb-1 text-xs font-semibold uppercase text-slate-500">{day}</div>
                  <div className="flex flex-wrap gap-2">
                    {items.map((slot) => (
                      <label
                        key={slot.start}
                        className={`cursor-pointer rounded-lg border px-3 py-1.5 text-sm ${chosen === slot.start ? "border-brand-600 bg-brand-50 text-brand-700" : "border-slate-300 hover:bg-slate-50"}`}
                      >
                        <input type="radio" name="slot" value={slot.start} checked={chosen === slot.start} onChange={() => setChosen(slot.start)} className="sr-only" />
                        {new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit" }).format(new Date(slot.start))}
                      </label>
                    ))}
                  </div>
                </div>
              ))}
            </div>
          </fieldset>
          <TextField
            label={t("support.calls.topic")}
            placeholder={t("support.calls.topicPlaceholder")}
            value={topic}
            maxLength={500}
            onChange={(e) => setTopic(e.target.value)}
          />
          {book.error?.type === "SlotTaken" ? <Alert>{t("support.calls.taken")}</Alert> : <ErrorAlert error={book.error} />}
          <Button type="submit" disabled={book.isPending || !chosen || !topic.trim()}>
            {book.isPending ? t("support.calls.booking") : t("support.calls.book")}
          </Button>
        </form>
      )}
    </Card>
  );
}

function groupByDay(slots: CallSlot[], locale: string): [string, CallSlot[]][] {
  const days = new Map<string, CallSlot[]>();
  const format = new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long" });
  for (const slot of slots) {
    const day = format.format(new Date(slot.start));
    days.set(day, [...(days.get(day) ?? []), slot]);
  }
  return [...days.entries()];
}

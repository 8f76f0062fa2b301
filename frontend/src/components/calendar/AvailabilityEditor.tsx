import { useState, type FormEvent, type ReactNode } from "react";

import { useI18n } from "../../i18n";
import type { Company, TimeZone } from "../../queries/companies";
import { useSaveAvailability, type Availability } from "../../queries/booking";
import { TimezonePicker } from "../TimezonePicker";
import { Alert, Button, Card, TextField } from "../ui";
import { ClosedDates } from "./ClosedDates";
import { DeliveryCities } from "./DeliveryCities";
import { WeeklyHours } from "./WeeklyHours";

function Section({ title, hint, children }: { title: string; hint?: string; children: ReactNode }) {
  return (
    <section className="space-y-2">
      <div>
        <h3 className="text-sm font-semibold text-slate-800">{title}</h3>
        {hint && <p className="text-xs text-slate-500">{hint}</p>}
      </div>
      {children}
    </section>
  );
}

type Draft = Required<Availability>;

function toDraft(saved: Availability): Draft {
  return { ...saved, weekly: saved.weekly ?? [], cities: saved.cities ?? [], closed_dates: saved.closed_dates ?? [] };
}

/** Drops the cities of a Service company (the API takes them only for Product) and trims city names. */
function toBody(draft: Draft, delivers: boolean): Availability {
  return {
    ...draft,
    cities: delivers ? draft.cities.map((c) => ({ name: c.name.trim(), weekly: c.weekly ?? null, capacity: c.capacity ?? null })) : [],
  };
}

/** The company's bookable time (SPEC.md R-CAL1): zone, slot length, capacity, buffer, weekly hours, closed days and,
 * for a Product company, delivery cities. The server validates; its 422 messages are shown next to their fields. */
export function AvailabilityEditor({ company, saved, readOnly }: { company: Company; saved: Availability; readOnly: boolean }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>(() => toDraft(saved));
  const save = useSaveAvailability(company.id);
  const delivers = company.company_type === "Product";
  const error = (path: string) => save.error?.paths[path];
  const set = (change: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...change }));
    if (save.isSuccess) save.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(toBody(draft, delivers));
  };
  const shownByField = Object.keys(save.error?.paths ?? {}).length > 0;

  return (
    <Card testId="availability-editor">
      <form onSubmit={submit} className="space-y-6" noValidate>
        <div>
          <h2 className="text-lg font-semibold">{t("calendar.availability.title")}</h2>
          <p className="text-sm text-slate-600">{t(delivers ? "calendar.availability.subtitleProduct" : "calendar.availability.subtitleService")}</p>
        </div>
        {readOnly && <Alert kind="info">{t("calendar.readOnly")}</Alert>}
        <fieldset disabled={readOnly} className="space-y-6">
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <div className="sm:col-span-2 lg:col-span-1">
              <TimezonePicker
                id="availability-timezone"
                label={t("calendar.availability.timezone")}
                value={draft.timezone as TimeZone}
                onChange={(timezone) => set({ timezone })}
                error={error("timezone")}
              />
            </div>
            <TextField
              label={t(delivers ? "calendar.availability.slotMinutesProduct" : "calendar.availability.slotMinutes")}
              type="number"
              min={5}
              step={5}
              value={draft.slot_minutes}
              onChange={(e) => set({ slot_minutes: Number(e.target.value) })}
              error={error("slot_minutes")}
              hint={delivers ? undefined : t("calendar.availability.slotMinutesHint")}
            />
            <TextField
              label={t("calendar.availability.capacity")}
              type="number"
              min={1}
              value={draft.capacity}
              onChange={(e) => set({ capacity: Number(e.target.value) })}
              error={error("capacity")}
              hint={t("calendar.availability.capacityHint")}
            />
            <TextField
              label={t("calendar.availability.buffer")}
              type="number"
              min={0}
              step={5}
              value={draft.buffer_minutes}
              onChange={(e) => set({ buffer_minutes: Number(e.target.value) })}
              error={error("buffer_minutes")}
            />
          </div>
          <Section title={t("calendar.availability.weekly")} hint={t("calendar.availability.weeklyHint")}>
            <WeeklyHours ranges={draft.weekly} onChange={(weekly) => set({ weekly })} error={error} path="weekly" disabled={readOnly} />
          </Section>
          <Section title={t("calendar.closed.title")} hint={t("calendar.closed.hint")}>
            <ClosedDates dates={draft.closed_dates} onChange={(closed_dates) => set({ closed_dates })} error={error} disabled={readOnly} />
          </Section>
          {delivers && (
            <Section title={t("calendar.cities.title")} hint={t("calendar.cities.hint")}>
              <DeliveryCities cities={draft.cities} onChange={(cities) => set({ cities })} error={error} disabled={readOnly} />
            </Section>
          )}
        </fieldset>
        {save.error && <Alert>{shownByField ? t("calendar.availability.fixFields") : save.error.message}</Alert>}
        {save.isSuccess && <Alert kind="success">{t("calendar.availability.saved")}</Alert>}
        {!readOnly && (
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? t("common.saving") : t("calendar.availability.save")}
          </Button>
        )}
      </form>
    </Card>
  );
}

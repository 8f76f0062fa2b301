import { useState, type FormEvent } from "react";

import { useI18n } from "../../i18n";
import type { TimeZone } from "../../queries/companies";
import { useManagerAvailability, useSaveManagerAvailability, type ManagerAvailability } from "../../queries/support";
import { WeeklyHours } from "../calendar/WeeklyHours";
import { TimezonePicker } from "../TimezonePicker";
import { Alert, Button, Card, ErrorAlert, Spinner, TextField } from "../ui";

/** A manager publishes the hours their businesses may book setup calls in (the Calendar page's weekly hours). */
export function HoursEditor() {
  const { t } = useI18n();
  const stored = useManagerAvailability(true);
  return (
    <Card testId="call-hours" className="space-y-4">
      <div>
        <h2 className="text-lg font-semibold">{t("support.hours.title")}</h2>
        <p className="text-sm text-slate-600">{t("support.hours.subtitle")}</p>
      </div>
      {stored.isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={stored.error} />
      {stored.data && <HoursForm initial={stored.data} />}
    </Card>
  );
}

function HoursForm({ initial }: { initial: ManagerAvailability }) {
  const { t } = useI18n();
  const save = useSaveManagerAvailability();
  const [draft, setDraft] = useState<ManagerAvailability>(initial);
  const set = (change: Partial<ManagerAvailability>) => {
    save.reset();
    setDraft((before) => ({ ...before, ...change }));
  };
  const error = (path: string) => save.error?.paths[path];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(draft, { onSuccess: setDraft });
  };

  return (
    <form onSubmit={submit} className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-2">
        <TimezonePicker
          id="call-hours-timezone"
          label={t("support.hours.timezone")}
          value={draft.timezone as TimeZone}
          onChange={(timezone) => set({ timezone })}
          error={error("timezone")}
        />
        <TextField
          label={t("support.hours.slot")}
          type="number"
          min={5}
          max={1440}
          value={draft.slot_minutes}
          onChange={(e) => set({ slot_minutes: Number(e.target.value) })}
          error={error("slot_minutes")}
        />
      </div>
      <WeeklyHours ranges={draft.weekly ?? []} onChange={(weekly) => set({ weekly })} error={error} path="weekly" disabled={save.isPending} />
      {save.isSuccess && <Alert kind="success">{t("support.hours.saved")}</Alert>}
      {save.error && Object.keys(save.error.paths).length === 0 && <ErrorAlert error={save.error} />}
      <Button type="submit" disabled={save.isPending}>
        {t("support.hours.save")}
      </Button>
    </form>
  );
}

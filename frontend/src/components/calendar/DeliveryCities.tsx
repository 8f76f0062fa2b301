import { useI18n } from "../../i18n";
import type { DeliveryCity } from "../../queries/booking";
import { Button, TextField } from "../ui";
import { WeeklyHours } from "./WeeklyHours";

interface Props {
  cities: DeliveryCity[];
  onChange: (cities: DeliveryCity[]) => void;
  error: (path: string) => string | undefined;
  disabled: boolean;
}

/** Where a Product company delivers. A city without its own hours or capacity uses the company's. */
export function DeliveryCities({ cities, onChange, error, disabled }: Props) {
  const { t } = useI18n();
  const update = (index: number, change: Partial<DeliveryCity>) =>
    onChange(cities.map((city, i) => (i === index ? { ...city, ...change } : city)));

  return (
    <div className="space-y-3">
      {error("cities") && <p className="text-xs text-red-600">{error("cities")}</p>}
      {cities.length === 0 && <p className="text-sm text-slate-500">{t("calendar.cities.none")}</p>}
      {cities.map((city, index) => (
        <fieldset key={index} className="space-y-3 rounded-lg border border-slate-200 p-3" data-testid={`city-${index}`}>
          <legend className="sr-only">{city.name || t("calendar.cities.unnamed")}</legend>
          <div className="grid gap-3 sm:grid-cols-[1fr_12rem_auto] sm:items-end">
            <TextField
              label={t("calendar.cities.name")}
              value={city.name}
              onChange={(e) => update(index, { name: e.target.value })}
              error={error(`cities.${index}.name`) ?? error(`cities.${index}`)}
              disabled={disabled}
              required
            />
            <TextField
              label={t("calendar.cities.capacity")}
              type="number"
              min={1}
              value={city.capacity ?? ""}
              placeholder={t("calendar.cities.asCompany")}
              onChange={(e) => update(index, { capacity: e.target.value === "" ? null : Number(e.target.value) })}
              error={error(`cities.${index}.capacity`)}
              disabled={disabled}
            />
            {!disabled && (
              <Button variant="danger" onClick={() => onChange(cities.filter((_, i) => i !== index))}>
                {t("calendar.cities.remove")}
              </Button>
            )}
          </div>
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              checked={Boolean(city.weekly)}
              disabled={disabled}
              onChange={(e) => update(index, { weekly: e.target.checked ? [{ weekday: 0, start: "09:00", end: "18:00" }] : null })}
            />
            {t("calendar.cities.ownHours")}
          </label>
          {city.weekly && (
            <WeeklyHours
              ranges={city.weekly}
              onChange={(weekly) => update(index, { weekly })}
              error={error}
              path={`cities.${index}.weekly`}
              disabled={disabled}
            />
          )}
        </fieldset>
      ))}
      {!disabled && (
        <Button variant="secondary" onClick={() => onChange([...cities, { name: "", weekly: null, capacity: null }])}>
          + {t("calendar.cities.add")}
        </Button>
      )}
    </div>
  );
}

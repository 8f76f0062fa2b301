import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import type { WeeklyRange } from "../../queries/booking";
import { Button } from "../ui";

export const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6] as const;

interface Props {
  ranges: WeeklyRange[];
  onChange: (ranges: WeeklyRange[]) => void;
  /** The server's message for a place in the body, e.g. `error("weekly.2.end")`. */
  error: (path: string) => string | undefined;
  /** Where `ranges` sit in the body ("weekly", "cities.0.weekly"), to find their messages. */
  path: string;
  disabled: boolean;
}

/** Opening hours, several ranges a weekday. Ranges keep their place in the list sent, so a 422 on "weekly.2.end"
 * lands on the range it is about. */
export function WeeklyHours({ ranges, onChange, error, path, disabled }: Props) {
  const { t } = useI18n();
  const update = (index: number, change: Partial<WeeklyRange>) =>
    onChange(ranges.map((range, i) => (i === index ? { ...range, ...change } : range)));
  const remove = (index: number) => onChange(ranges.filter((_, i) => i !== index));
  const add = (weekday: number) => {
    const last = ranges.filter((r) => r.weekday === weekday).at(-1);
    onChange([...ranges, last ? { weekday, start: last.end, end: last.end } : { weekday, start: "09:00", end: "18:00" }]);
  };
  const listError = error(path);

  return (
    <div className="space-y-2">
      {listError && <p className="text-xs text-red-600">{listError}</p>}
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200">
        {WEEKDAYS.map((weekday) => {
          const own = ranges.map((range, index) => ({ range, index })).filter(({ range }) => range.weekday === weekday);
          const dayName = t(`calendar.weekday.${weekday}` as MessageKey);
          return (
            <li
              key={weekday}
              className="grid grid-cols-[1fr_auto] items-start gap-x-2 gap-y-1 px-3 py-2 sm:grid-cols-[8rem_1fr_auto]"
              data-testid={`${path}-day-${weekday}`}
            >
              <span className="pt-2 text-sm font-medium text-slate-700">{dayName}</span>
              <div className="col-span-2 row-start-2 space-y-2 sm:col-span-1 sm:col-start-2 sm:row-start-1">
                {own.length === 0 && <p className="pt-2 text-sm text-slate-500">{t("calendar.hours.closed")}</p>}
                {own.map(({ range, index }) => {
                  const rangeError = error(`${path}.${index}.start`) ?? error(`${path}.${index}.end`) ?? error(`${path}.${index}`);
                  return (
                    <div key={index} className="space-y-1">
                      <div className="flex flex-wrap items-center gap-1.5 sm:gap-2">
                        <input
                          type="time"
                          aria-label={t("calendar.hours.from", { day: dayName })}
                          value={range.start}
                          onChange={(e) => update(index, { start: e.target.value })}
                          disabled={disabled}
                          aria-invalid={rangeError ? true : undefined}
                          className={`rounded-lg border px-1.5 py-1.5 text-sm sm:px-2 ${rangeError ? "border-red-400" : "border-slate-300"}`}
                        />
                        <span className="text-slate-500">–</span>
                        <input
                          type="time"
                          aria-label={t("calendar.hours.to", { day: dayName })}
                          value={range.end}
                          onChange={(e) => update(index, { end: e.target.value })}
                          disabled={disabled}
                          aria-invalid={rangeError ? true : undefined}
                          className={`rounded-lg border px-1.5 py-1.5 text-sm sm:px-2 ${rangeError ? "border-red-400" : "border-slate-300"}`}
                        />
                        {!disabled && (
                          <Button variant="ghost" className="px-2 py-1" onClick={() => remove(index)} aria-label={t("calendar.hours.remove", { day: dayName })}>
                            ✕
                          </Button>
                        )}
                      </div>
                      {rangeError && <p className="text-xs text-red-600">{rangeError}</p>}
                    </div>
                  );
                })}
              </div>
              {!disabled && (
                <Button variant="ghost" className="col-start-2 row-start-1 px-2 py-1 sm:col-start-3" onClick={() => add(weekday)} aria-label={t("calendar.hours.add", { day: dayName })}>
                  + {t("calendar.hours.addShort")}
                </Button>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

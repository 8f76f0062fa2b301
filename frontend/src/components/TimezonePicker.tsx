import { useEffect, useId, useMemo, useState, type KeyboardEvent } from "react";

import { useI18n } from "../i18n";
import { matchZones, offeredTimeZones, zoneInfo } from "../lib/timeZones";
import type { TimeZone } from "../queries/companies";

interface Props {
  /** The input's id, for a `<label htmlFor>` elsewhere or a test. */
  id: string;
  value: TimeZone;
  onChange: (zone: TimeZone) => void;
  label: string;
  error?: string;
}

/**
 * Choose an IANA time zone by typing a place, a region or an offset ("Almaty", "asia", "+05"), each shown with
 * its offset now. An ARIA 1.2 combobox: arrows move through the list, Enter chooses, Escape closes.
 */
export function TimezonePicker({ id, value, onChange, label, error }: Props) {
  const { t, language } = useI18n();
  const listId = useId();
  const helpId = useId();
  // null while the person is not typing: the input then shows the chosen zone.
  const [query, setQuery] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);

  const zones = useMemo(() => {
    const offered = offeredTimeZones();
    if (!offered.includes(value)) offered.unshift(value); // a stored zone the browser does not list stays choosable
    return offered.map((zone) => zoneInfo(zone, language));
  }, [language, value]);
  const matches = useMemo(() => matchZones(zones, query ?? ""), [zones, query]);
  const chosen = zones.find((z) => z.zone === value);
  const optionId = (index: number) => `${listId}-option-${index}`;

  useEffect(() => {
    if (open) document.getElementById(`${listId}-option-${active}`)?.scrollIntoView?.({ block: "nearest" });
  }, [open, active, listId]);

  function show(index: number) {
    setOpen(true);
    setActive(Math.max(0, Math.min(index, matches.length - 1)));
  }

  /** Open the whole list at the chosen zone. */
  function showChosen() {
    show(matches.findIndex((z) => z.zone === value));
  }

  function close() {
    setOpen(false);
    setQuery(null);
  }

  function choose(zone: TimeZone) {
    onChange(zone);
    close();
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (open) show(active + 1);
        else showChosen();
        break;
      case "ArrowUp":
        event.preventDefault();
        if (open) show(active - 1);
        else showChosen();
        break;
      case "Enter": {
        const pick = matches[active];
        if (open && pick) {
          event.preventDefault(); // choose, do not submit the surrounding form
          choose(pick.zone);
        }
        break;
      }
      case "Escape":
        if (open) {
          event.preventDefault();
          close();
        }
        break;
    }
  }

  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <div className="relative">
        <input
          id={id}
          type="text"
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && matches[active] ? optionId(active) : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? helpId : undefined}
          autoComplete="off"
          spellCheck={false}
          placeholder={t("polish.tz.placeholder")}
          value={query ?? value}
          onFocus={(e) => e.target.select()}
          onClick={() => !open && showChosen()}
          onChange={(e) => {
            setQuery(e.target.value);
            setOpen(true);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          onBlur={close}
          className={`block w-full rounded-lg border bg-white py-2.5 pl-3 pr-28 text-sm shadow-sm outline-none focus:ring-2 focus:ring-brand-500 ${error ? "border-red-400" : "border-slate-300"}`}
        />
        {chosen && query === null && (
          <span
            className="pointer-events-none absolute inset-y-0 right-3 flex items-center text-xs tabular-nums text-slate-500"
            title={t("polish.tz.offsetHint")}
            data-testid="timezone-offset"
          >
            {chosen.offsetLabel}
          </span>
        )}
        <ul
          id={listId}
          role="listbox"
          aria-label={label}
          hidden={!open}
          onMouseDown={(e) => e.preventDefault()} // keep focus in the input (an option's click, the scrollbar)
          className="absolute z-30 mt-1 max-h-72 w-full overflow-y-auto rounded-lg border border-slate-200 bg-white py-1 shadow-lg"
        >
          {matches.map((z, index) => (
            <li
              key={z.zone}
              id={optionId(index)}
              role="option"
              aria-selected={index === active}
              data-zone={z.zone}
              onMouseMove={() => index !== active && setActive(index)}
              onClick={() => choose(z.zone)}
              className={`flex cursor-pointer items-start justify-between gap-3 px-3 py-2 text-sm ${index === active ? "bg-brand-50" : ""}`}
            >
              <span className="min-w-0">
                <span className={`block truncate ${z.zone === value ? "font-semibold text-brand-700" : "text-slate-900"}`}>{z.city}</span>
                <span className="block truncate text-xs text-slate-500">
                  {z.zone}
                  {z.localName && ` · ${z.localName}`}
                </span>
              </span>
              <span className="shrink-0 pt-0.5 text-xs tabular-nums text-slate-600">{z.offsetLabel}</span>
            </li>
          ))}
        </ul>
        {open && matches.length === 0 && (
          <p className="absolute z-30 mt-1 w-full rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm text-slate-500 shadow-lg">
            {t("polish.tz.noMatch", { query: query ?? "" })}
          </p>
        )}
      </div>
      <p className="sr-only" aria-live="polite">
        {open ? t("polish.tz.found", { n: matches.length }) : ""}
      </p>
      {error && (
        <p id={helpId} className="text-xs text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}

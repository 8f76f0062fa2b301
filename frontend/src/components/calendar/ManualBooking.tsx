import { useState, type FormEvent } from "react";

import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import {
  useBookableServices,
  useCreateBooking,
  useSlots,
  type Availability,
  type BookableService,
  type BookingFormat,
} from "../../queries/booking";
import type { Company } from "../../queries/companies";
import { Alert, Button, Card, ErrorAlert, Spinner, TextField } from "../ui";
import { FORMATS } from "./BookingCard";
import { dayIn, dayLabel, isDay, timeIn } from "./dates";

const SELECT = "block w-full rounded-lg border border-slate-300 bg-white px-3 py-2.5 text-sm";

/** Books a free slot by hand for a customer who called or walked in: pick a day (and the service, or the city), a
 * free slot, and who it is for. A service's duration sets the slots offered. A slot taken meanwhile (or busy in
 * Google Calendar) is answered 409 by the server, whose words are shown. */
export function ManualBooking({ company, availability }: { company: Company; availability: Availability }) {
  const { t, language } = useI18n();
  const zone = availability.timezone;
  const delivers = company.company_type === "Product";
  const cities = delivers ? (availability.cities ?? []).map((c) => c.name) : [];
  const [day, setDay] = useState(() => dayIn(new Date(), zone));
  const [wantedCity, setCity] = useState("");
  // The cities can change under the form (availability saved below): a city no longer listed falls back to the first.
  const city = cities.includes(wantedCity) ? wantedCity : (cities[0] ?? "");
  const services = useBookableServices(company.id, !delivers);
  const serviceList = services.data ?? [];
  const [wantedService, setService] = useState("");
  // Likewise a service deleted from the knowledge base meanwhile falls back to none.
  const service = serviceList.some((s) => s.id === wantedService) ? wantedService : "";
  const [picked, setStart] = useState("");
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [address, setAddress] = useState("");
  const [format, setFormat] = useState<BookingFormat | "">("");
  const slots = useSlots(company.id, day, day, city, service, isDay(day));
  const create = useCreateBooking();
  const free = (slots.data?.items ?? []).filter((slot) => dayIn(slot.start, zone) === day && slot.remaining > 0);
  // A slot that left the list (taken meanwhile, or another day) is no longer chosen.
  const start = free.some((slot) => slot.start === picked) ? picked : "";

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!start) return;
    create.mutate(
      {
        company_id: company.id,
        start,
        city: delivers && city ? city : undefined,
        service_id: service || undefined,
        address: delivers && address.trim() ? address.trim() : undefined,
        format: !delivers && format ? format : undefined,
        contact_name: name.trim() || undefined,
        contact_phone: phone.trim() || undefined,
      },
      { onSuccess: () => setStart("") },
    );
  };
  const choose = (next: Partial<{ day: string; city: string; service: string }>) => {
    if (next.day !== undefined) setDay(next.day);
    if (next.city !== undefined) setCity(next.city);
    if (next.service !== undefined) {
      setService(next.service);
      // A service given online or in person in the knowledge base is booked that way unless changed here.
      const format = serviceList.find((s) => s.id === next.service)?.format;
      if (format) setFormat(format);
    }
    setStart("");
    create.reset();
  };

  return (
    <Card testId="manual-booking">
      <form onSubmit={submit} className="space-y-4">
        <div>
          <h2 className="text-lg font-semibold">{t("calendar.book.title")}</h2>
          <p className="text-sm text-slate-600">{t("calendar.book.subtitle")}</p>
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label={t("calendar.book.day")} type="date" value={day} onChange={(e) => choose({ day: e.target.value })} required />
          {serviceList.length > 0 && (
            <label className="space-y-1 text-sm font-medium text-slate-700">
              <span className="block">{t("calendar.book.service")}</span>
              <select className={SELECT} value={service} onChange={(e) => choose({ service: e.target.value })}>
                <option value="">{t("calendar.book.serviceNone", { minutes: availability.slot_minutes })}</option>
                {serviceList.map((s) => (
                  <option key={s.id} value={s.id}>
                    {serviceLabel(s, availability.slot_minutes, t)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <ErrorAlert error={services.error} />
          {cities.length > 0 && (
            <label className="space-y-1 text-sm font-medium text-slate-700">
              <span className="block">{t("calendar.book.city")}</span>
              <select className={SELECT} value={city} onChange={(e) => choose({ city: e.target.value })}>
                {cities.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-700">
            {t("calendar.book.slots", { day: isDay(day) ? dayLabel(day, language, true) : day })}
          </legend>
          {slots.isFetching && <Spinner label={t("common.loading")} />}
          <ErrorAlert error={slots.error} />
          {slots.isSuccess && !slots.isFetching && free.length === 0 && <p className="text-sm text-slate-500">{t("calendar.book.noSlots")}</p>}
          <div className="flex flex-wrap gap-2" role="radiogroup" aria-label={t("calendar.book.slotsShort")}>
            {free.map((slot) => (
              <label
                key={slot.start}
                className={`cursor-pointer rounded-lg border px-3 py-1.5 text-sm ${start === slot.start ? "border-brand-600 bg-brand-600 text-white" : "border-slate-300 bg-white hover:bg-slate-50"}`}
              >
                <input type="radio" className="sr-only" name="slot" value={slot.start} checked={start === slot.start} onChange={() => setStart(slot.start)} />
                {timeIn(slot.start, zone, language)}
                {slot.remaining > 1 && <span className="ml-1 text-xs opacity-75">×{slot.remaining}</span>}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label={t("calendar.book.contactName")} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" error={create.error?.fields.contact_name} />
          <TextField label={t("calendar.book.contactPhone")} type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} autoComplete="off" error={create.error?.fields.contact_phone} />
          {delivers && (
            <div className="sm:col-span-2">
              <TextField label={t("calendar.book.address")} value={address} onChange={(e) => setAddress(e.target.value)} error={create.error?.fields.address} />
            </div>
          )}
          {!delivers && (
            <label className="space-y-1 text-sm font-medium text-slate-700">
              <span className="block">{t("calendar.book.format")}</span>
              <select className={SELECT} value={format} onChange={(e) => setFormat(e.target.value as BookingFormat | "")}>
                <option value="">{t("calendar.book.formatAny")}</option>
                {FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {t(`calendar.format.${f}` as MessageKey)}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        {/* A 409 says why in the server's words: taken meanwhile, or busy in the company's Google Calendar. */}
        <ErrorAlert error={create.error} />
        {create.isSuccess && (
          <Alert kind="success">
            {t("calendar.book.done", { day: dayLabel(dayIn(create.data.start, zone), language, true), time: timeIn(create.data.start, zone, language) })}
          </Alert>
        )}
        <Button type="submit" disabled={!start || create.isPending}>
          {create.isPending ? t("calendar.book.booking") : t("calendar.book.submit")}
        </Button>
      </form>
    </Card>
  );
}

function serviceLabel(service: BookableService, slotMinutes: number, t: ReturnType<typeof useI18n>["t"]): string {
  return t("calendar.book.serviceMinutes", { name: service.name, minutes: service.duration_minutes ?? slotMinutes });
}

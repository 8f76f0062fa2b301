import { useI18n } from "../../i18n";
import type { TimeZone } from "../../queries/companies";
import { TimezonePicker } from "../TimezonePicker";

/** The company's time zone (its slots, bookings and daily figures follow it), searchable by place or offset. */
export function TimezoneField({ value, onChange, error }: { value: string; onChange: (zone: string) => void; error?: string }) {
  const { t } = useI18n();
  return (
    <TimezonePicker id="company-timezone" value={value as TimeZone} onChange={onChange} label={t("common.timezone")} error={error} />
  );
}

import { TimezoneField } from "./TimezoneField";
import { TextField, fieldError } from "../ui";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import type { Company, SelectableChannel, TimeZone } from "../../queries/companies";

export type CompanyType = "Product" | "Service" | "Hybrid";
const TYPES: { value: CompanyType; hint: MessageKey }[] = [
  { value: "Product", hint: "companyForm.typeProduct" },
  { value: "Service", hint: "companyForm.typeService" },
  { value: "Hybrid", hint: "companyForm.typeHybrid" },
];

export interface Draft {
  name: string;
  company_type: CompanyType;
  shop_type: string;
  timezone: string;
  language: "en" | "ru";
  channels: SelectableChannel[];
  privacy_policy_url: string;
}

export function draftFrom(company?: Company): Draft {
  return {
    name: company?.name ?? "",
    company_type: (company?.company_type as CompanyType) ?? "Product",
    shop_type: company?.shop_type ?? "",
    timezone: company?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC",
    language: (company?.language as "en" | "ru") ?? "en",
    channels: (company?.channels as SelectableChannel[]) ?? [],
    privacy_policy_url: company?.privacy_policy_url ?? "",
  };
}

export function TypePicker({ value, onChange }: { value: CompanyType; onChange: (v: CompanyType) => void }) {
  const { t } = useI18n();
  return (
    <fieldset className="space-y-2">
      <legend className="mb-2 text-sm font-medium text-slate-700">{t("companyForm.typeQuestion")}</legend>
      {TYPES.map((type) => (
        <label key={type.value} className={`flex cursor-pointer gap-3 rounded-lg border p-3 ${value === type.value ? "border-brand-500 bg-brand-50" : "border-slate-200"}`}>
          <input type="radio" name="company_type" value={type.value} checked={value === type.value} onChange={() => onChange(type.value)} className="mt-1" />
          <span>
            <span className="block font-medium">{t(`company.type.${type.value}` as MessageKey)}</span>
            <span className="block text-sm text-slate-600">{t(type.hint)}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

export function DetailsFields({ draft, set, error }: { draft: Draft; set: (d: Partial<Draft>) => void; error: unknown }) {
  const { t } = useI18n();
  return (
    <div className="space-y-4">
      <TextField label={t("companyForm.name")} required value={draft.name} onChange={(e) => set({ name: e.target.value })} error={fieldError(error, "name")} />
      <TextField label={t("companyForm.shopType")} placeholder={t("companyForm.shopTypePlaceholder")} value={draft.shop_type} onChange={(e) => set({ shop_type: e.target.value })} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TimezoneField value={draft.timezone} onChange={(timezone) => set({ timezone })} error={fieldError(error, "timezone")} />
        <label className="space-y-1 text-sm font-medium text-slate-700">
          <span className="block">{t("common.language")}</span>
          <select value={draft.language} onChange={(e) => set({ language: e.target.value as "en" | "ru" })} className="block w-full rounded-lg border border-slate-300 bg-white px-3 py-2.5">
            <option value="en">English</option>
            <option value="ru">Русский</option>
          </select>
        </label>
      </div>
      <TextField label={t("companyForm.privacy")} type="url" placeholder="https://" value={draft.privacy_policy_url} onChange={(e) => set({ privacy_policy_url: e.target.value })} error={fieldError(error, "privacy_policy_url")} />
    </div>
  );
}

export function payload(draft: Draft) {
  return {
    name: draft.name.trim(),
    company_type: draft.company_type,
    shop_type: draft.shop_type.trim() || null,
    // The browser's own zone may be one the server does not know; the server says so (422) if it is.
    timezone: draft.timezone as TimeZone,
    language: draft.language,
    channels: draft.channels,
    privacy_policy_url: draft.privacy_policy_url.trim() || null,
  };
}


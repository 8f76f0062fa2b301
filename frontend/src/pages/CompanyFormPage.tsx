import { useState, type FormEvent } from "react";
import { useNavigate, useParams } from "react-router-dom";

import { ChannelIcon } from "../components/ChannelIcon";
import { Button, Card, ErrorAlert, Spinner, TextField, fieldError } from "../components/ui";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { useMe } from "../queries/auth";
import {
  useCompany,
  useCreateCompany,
  useDeleteCompany,
  useUpdateCompany,
  type Company,
  type SelectableChannel,
  type TimeZone,
} from "../queries/companies";

type CompanyType = "Product" | "Service" | "Hybrid";
const TYPES: { value: CompanyType; hint: MessageKey }[] = [
  { value: "Product", hint: "companyForm.typeProduct" },
  { value: "Service", hint: "companyForm.typeService" },
  { value: "Hybrid", hint: "companyForm.typeHybrid" },
];
const CHANNELS: SelectableChannel[] = ["whatsapp", "telegram", "instagram", "facebook", "email", "tiktok"];
const TIMEZONES = ["UTC", "Europe/London", "Europe/Berlin", "Europe/Moscow", "Asia/Dubai", "Asia/Almaty", "America/New_York", "America/Los_Angeles"];

interface Draft {
  name: string;
  company_type: CompanyType;
  shop_type: string;
  timezone: string;
  language: "en" | "ru";
  channels: SelectableChannel[];
  privacy_policy_url: string;
}

function draftFrom(company?: Company): Draft {
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

function TypePicker({ value, onChange }: { value: CompanyType; onChange: (v: CompanyType) => void }) {
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

function DetailsFields({ draft, set, error }: { draft: Draft; set: (d: Partial<Draft>) => void; error: unknown }) {
  const { t } = useI18n();
  const zones = TIMEZONES.includes(draft.timezone) ? TIMEZONES : [draft.timezone, ...TIMEZONES];
  return (
    <div className="space-y-4">
      <TextField label={t("companyForm.name")} required value={draft.name} onChange={(e) => set({ name: e.target.value })} error={fieldError(error, "name")} />
      <TextField label={t("companyForm.shopType")} placeholder={t("companyForm.shopTypePlaceholder")} value={draft.shop_type} onChange={(e) => set({ shop_type: e.target.value })} />
      <div className="grid gap-4 sm:grid-cols-2">
        <label className="space-y-1 text-sm font-medium text-slate-700">
          <span className="block">{t("common.timezone")}</span>
          <select value={draft.timezone} onChange={(e) => set({ timezone: e.target.value })} className="block w-full rounded-lg border border-slate-300 bg-white px-3 py-2.5">
            {zones.map((z) => <option key={z}>{z}</option>)}
          </select>
        </label>
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

function ChannelPicker({ value, onChange }: { value: SelectableChannel[]; onChange: (v: SelectableChannel[]) => void }) {
  const { t } = useI18n();
  const me = useMe(true);
  const limit = me.data?.channel_limit;
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm text-slate-600">
        {limit == null ? t("companyForm.channelsUnlimited") : t("companyForm.channelsHint", { limit })}
      </legend>
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-3">
        {CHANNELS.map((c) => {
          const checked = value.includes(c);
          return (
            <label key={c} className={`flex cursor-pointer items-center gap-3 rounded-lg border p-3 ${checked ? "border-brand-500 bg-brand-50" : "border-slate-200"}`}>
              <input type="checkbox" checked={checked} onChange={() => onChange(checked ? value.filter((x) => x !== c) : [...value, c])} />
              <ChannelIcon platform={c} decorative />
              <span className="text-sm font-medium">{t(`channel.${c}` as MessageKey)}</span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

function payload(draft: Draft) {
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

const STEPS: MessageKey[] = ["companyForm.stepType", "companyForm.stepDetails", "companyForm.stepChannels"];

export function NewCompanyPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [step, setStep] = useState(0);
  const [draft, setDraft] = useState<Draft>(() => draftFrom());
  const create = useCreateCompany();
  const set = (d: Partial<Draft>) => setDraft((prev) => ({ ...prev, ...d }));

  const next = (e: FormEvent) => {
    e.preventDefault();
    if (step < STEPS.length - 1) setStep(step + 1);
    else create.mutate(payload(draft), { onSuccess: () => navigate("/", { replace: true }) });
  };
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">{t("companyForm.createTitle")}</h1>
      <ol className="flex gap-2 text-sm" aria-label="Steps">
        {STEPS.map((s, i) => (
          <li key={s} aria-current={i === step ? "step" : undefined} className={`flex-1 rounded-full px-3 py-1.5 text-center ${i === step ? "bg-brand-600 text-white" : i < step ? "bg-brand-100 text-brand-700" : "bg-slate-100 text-slate-500"}`}>
            {i + 1}. {t(s)}
          </li>
        ))}
      </ol>
      <Card>
        <form onSubmit={next} className="space-y-5" noValidate>
          {step === 0 && <TypePicker value={draft.company_type} onChange={(v) => set({ company_type: v })} />}
          {step === 1 && <DetailsFields draft={draft} set={set} error={create.error} />}
          {step === 2 && <ChannelPicker value={draft.channels} onChange={(channels) => set({ channels })} />}
          {create.error && create.error.type !== "ValidationError" ? <ErrorAlert error={create.error} /> : null}
          {create.error?.type === "ValidationError" && step === 2 ? <ErrorAlert error={create.error} /> : null}
          <div className="flex justify-between gap-3">
            <Button type="button" variant="secondary" onClick={() => (step ? setStep(step - 1) : navigate("/"))}>
              {step ? t("common.back") : t("common.cancel")}
            </Button>
            <Button type="submit" disabled={create.isPending || (step === 1 && !draft.name.trim())}>
              {step < STEPS.length - 1 ? t("common.continue") : create.isPending ? t("common.saving") : t("companyForm.create")}
            </Button>
          </div>
        </form>
      </Card>
    </div>
  );
}

function EditForm({ company }: { company: Company }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>(() => draftFrom(company));
  const update = useUpdateCompany(company.id);
  const remove = useDeleteCompany();
  const set = (d: Partial<Draft>) => setDraft((prev) => ({ ...prev, ...d }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(payload(draft), { onSuccess: () => navigate("/") });
  };
  const destroy = () => {
    if (window.confirm(t("companyForm.deleteConfirm", { name: company.name }))) {
      remove.mutate(company.id, { onSuccess: () => navigate("/", { replace: true }) });
    }
  };
  return (
    <Card>
      <form onSubmit={submit} className="space-y-6" noValidate>
        <TypePicker value={draft.company_type} onChange={(v) => set({ company_type: v })} />
        <DetailsFields draft={draft} set={set} error={update.error} />
        <ChannelPicker value={draft.channels} onChange={(channels) => set({ channels })} />
        <ErrorAlert error={update.error ?? remove.error} />
        <div className="flex flex-wrap justify-between gap-3">
          <Button type="button" variant="danger" onClick={destroy} disabled={remove.isPending}>{t("common.delete")}</Button>
          <div className="flex gap-3">
            <Button type="button" variant="secondary" onClick={() => navigate("/")}>{t("common.cancel")}</Button>
            <Button type="submit" disabled={update.isPending}>{update.isPending ? t("common.saving") : t("common.save")}</Button>
          </div>
        </div>
      </form>
    </Card>
  );
}

export function EditCompanyPage() {
  const { t } = useI18n();
  const { id } = useParams();
  const company = useCompany(id);
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">{t("companyForm.editTitle")}</h1>
      {company.isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={company.error} />
      {company.data && <EditForm key={company.data.id} company={company.data} />}
    </div>
  );
}

import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";

import { ChannelIcon } from "../components/ChannelIcon";
import { CatalogueStep } from "../components/company/CatalogueStep";
import { ChannelPicker } from "../components/company/ChannelPicker";
import { DetailsFields, TypePicker, draftFrom, payload, type Draft } from "../components/company/CompanyFields";
import { ConnectStep } from "../components/company/ConnectStep";
import { Alert, Button, Card, ErrorAlert, Spinner } from "../components/ui";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { usePermissions } from "../lib/usePermissions";
import {
  useCompany,
  useCreateCompany,
  useDeleteCompany,
  useUpdateCompany,
  type Company,
  type SelectableChannel,
} from "../queries/companies";
import { integrationKeys } from "../queries/integrations";

/** SPEC R-UI2's wizard: type → channels → catalogue → connect (with the company's details after its type). The
 * company is created when the channels are chosen, so the catalogue and connect steps work on the real company;
 * they are in the URL (`?company=…&step=…`), so a reload or a return later continues where the person was. */
const STEPS: MessageKey[] = [
  "companyForm.stepType",
  "companyForm.stepDetails",
  "companyForm.stepChannels",
  "wizard.stepCatalogue",
  "wizard.stepConnect",
];
const CREATE_AT = 2; // the channels step creates the company
const LATER_STEPS = { catalogue: 3, connect: 4 } as const;

function StepList({ step }: { step: number }) {
  const { t } = useI18n();
  return (
    <ol className="grid grid-cols-5 gap-1 text-xs sm:text-sm" aria-label={t("wizard.steps")}>
      {STEPS.map((s, i) => (
        <li
          key={s}
          aria-current={i === step ? "step" : undefined}
          className={`truncate rounded-full px-2 py-1.5 text-center ${i === step ? "bg-brand-600 text-white" : i < step ? "bg-brand-100 text-brand-700" : "bg-slate-100 text-slate-500"}`}
        >
          <span className="hidden sm:inline">{i + 1}. </span>
          {t(s)}
        </li>
      ))}
    </ol>
  );
}

/** Steps 1–3: nothing exists yet; the last creates the company. */
function CreateSteps() {
  const { t } = useI18n();
  const [step, setStep] = useState(0);
  const navigate = useNavigate();
  const [, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => draftFrom());
  const create = useCreateCompany();
  const set = (d: Partial<Draft>) => setDraft((prev) => ({ ...prev, ...d }));
  const next = (e: FormEvent) => {
    e.preventDefault();
    if (step < CREATE_AT) return setStep(step + 1);
    create.mutate(payload(draft), {
      onSuccess: (company) => {
        void queryClient.invalidateQueries({ queryKey: integrationKeys.all });
        setParams({ company: company.id, step: "catalogue" }, { replace: true });
      },
    });
  };
  return (
    <>
      <StepList step={step} />
      <Card>
        <form onSubmit={next} className="space-y-5" noValidate>
          {step === 0 && <TypePicker value={draft.company_type} onChange={(v) => set({ company_type: v })} />}
          {step === 1 && <DetailsFields draft={draft} set={set} error={create.error} />}
          {step === 2 && <ChannelPicker value={draft.channels} onChange={(channels) => set({ channels })} />}
          {create.error && (create.error.type !== "ValidationError" || step === CREATE_AT) ? <ErrorAlert error={create.error} /> : null}
          <div className="flex justify-between gap-3">
            <Button type="button" variant="secondary" onClick={() => (step ? setStep(step - 1) : navigate("/"))}>
              {step ? t("common.back") : t("common.cancel")}
            </Button>
            <Button type="submit" disabled={create.isPending || (step === 1 && !draft.name.trim())}>
              {step < CREATE_AT ? t("common.continue") : create.isPending ? t("common.saving") : t("companyForm.create")}
            </Button>
          </div>
        </form>
      </Card>
    </>
  );
}

/** Steps 4–5, on the company just created. */
function SetupSteps({ company, step }: { company: Company; step: "catalogue" | "connect" }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [, setParams] = useSearchParams();
  return (
    <div className="space-y-5">
      <Alert kind="success">{t("wizard.created", { name: company.name, id: company.company_id })}</Alert>
      {step === "catalogue" ? (
        <CatalogueStep companyId={company.id} kind={company.company_type === "Service" ? "service" : "product"} />
      ) : (
        <ConnectStep company={company} />
      )}
      <div className="flex flex-wrap justify-between gap-3">
        {step === "connect" ? (
          <Button type="button" variant="secondary" onClick={() => setParams({ company: company.id, step: "catalogue" })}>
            {t("common.back")}
          </Button>
        ) : (
          <Link to={`/companies/${company.id}/edit`} className="self-center text-sm text-brand-700 hover:underline">
            {t("wizard.editDetails")}
          </Link>
        )}
        {step === "catalogue" ? (
          <Button type="button" onClick={() => setParams({ company: company.id, step: "connect" })}>
            {t("common.continue")}
          </Button>
        ) : (
          <Button type="button" onClick={() => navigate("/", { replace: true })}>
            {t("wizard.finish")}
          </Button>
        )}
      </div>
    </div>
  );
}

export function NewCompanyPage() {
  const { t } = useI18n();
  const { check } = usePermissions();
  const [params] = useSearchParams();
  const companyId = params.get("company") ?? undefined;
  const later = params.get("step") === "connect" ? "connect" : "catalogue";
  const company = useCompany(companyId);
  const allowed = check("company.create");
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">{t("companyForm.createTitle")}</h1>
      {!allowed.ok ? (
        <Card>
          <p className="text-sm text-slate-700">{t(allowed.reason)}</p>
          <Link to="/" className="mt-3 inline-block text-sm font-medium text-brand-700 hover:underline">
            {t("notFound.back")}
          </Link>
        </Card>
      ) : (
        !companyId ? (
          <CreateSteps />
        ) : (
          <>
            <StepList step={LATER_STEPS[later]} />
            <Card>
              {company.isPending && <Spinner label={t("common.loading")} />}
              <ErrorAlert error={company.error} />
              {company.data && <SetupSteps company={company.data} step={later} />}
            </Card>
          </>
        )
      )}
    </div>
  );
}

function EditForm({ company }: { company: Company }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { can } = usePermissions();
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
        <ChannelPicker
          value={draft.channels}
          onChange={(channels) => set({ channels })}
          companyId={company.id}
          initial={company.channels as SelectableChannel[]}
        />
        <ErrorAlert error={update.error ?? remove.error} />
        <div className="flex flex-wrap justify-between gap-3">
          {can("company.delete") ? (
            <Button type="button" variant="danger" onClick={destroy} disabled={remove.isPending}>{t("common.delete")}</Button>
          ) : (
            <span />
          )}
          <div className="flex gap-3">
            <Button type="button" variant="secondary" onClick={() => navigate("/")}>{t("common.cancel")}</Button>
            <Button type="submit" disabled={update.isPending}>{update.isPending ? t("common.saving") : t("common.save")}</Button>
          </div>
        </div>
      </form>
    </Card>
  );
}

/** What a person who may not edit the company sees: its details, read-only, and why. */
function ReadOnlyCompany({ company, reason }: { company: Company; reason: MessageKey }) {
  const { t } = useI18n();
  return (
    <Card className="space-y-4">
      <Alert kind="info">{t(reason)}</Alert>
      <dl className="grid gap-3 text-sm sm:grid-cols-2">
        <div>
          <dt className="text-slate-500">{t("companyForm.name")}</dt>
          <dd className="font-medium">{company.name} ({company.company_id})</dd>
        </div>
        <div>
          <dt className="text-slate-500">{t("wizard.type")}</dt>
          <dd className="font-medium">{t(`company.type.${company.company_type}` as MessageKey)}</dd>
        </div>
        <div>
          <dt className="text-slate-500">{t("common.timezone")}</dt>
          <dd className="font-medium">{company.timezone}</dd>
        </div>
        <div>
          <dt className="text-slate-500">{t("companyForm.stepChannels")}</dt>
          <dd className="flex flex-wrap gap-1">
            {company.channels.length ? company.channels.map((c) => <ChannelIcon key={c} platform={c} />) : "–"}
          </dd>
        </div>
      </dl>
    </Card>
  );
}

export function EditCompanyPage() {
  const { t } = useI18n();
  const { id } = useParams();
  const { check } = usePermissions();
  const company = useCompany(id);
  const allowed = check("company.edit");
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">{allowed.ok ? t("companyForm.editTitle") : t("wizard.viewTitle")}</h1>
      {company.isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={company.error} />
      {company.data &&
        (allowed.ok ? (
          <EditForm key={company.data.id} company={company.data} />
        ) : (
          <ReadOnlyCompany company={company.data} reason={allowed.reason} />
        ))}
    </div>
  );
}

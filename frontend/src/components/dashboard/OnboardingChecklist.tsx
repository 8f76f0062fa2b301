import { useEffect, useId, useState } from "react";
import { Link } from "react-router-dom";

import { useI18n } from "../../i18n";
import { Card } from "../ui";
import { recallOnboarding, rememberOnboarding, type OnboardingMemory } from "./onboardingMemory";
import { useOnboardingSteps, type OnboardingStep } from "./useOnboardingSteps";

function StepMark({ done }: { done: boolean }) {
  return done ? (
    <span className="flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-emerald-600 text-white" aria-hidden="true">
      <svg viewBox="0 0 20 20" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth={2.5}>
        <path d="M5 10.5l3.2 3L15 7" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </span>
  ) : (
    <span className="h-6 w-6 shrink-0 rounded-full border-2 border-slate-300 bg-white" aria-hidden="true" />
  );
}

function Step({ step, number }: { step: OnboardingStep; number: number }) {
  const { t } = useI18n();
  return (
    <li className="flex gap-3 py-3" data-testid={`onboarding-step-${step.id}`} data-done={step.done}>
      <StepMark done={step.done} />
      <div className="min-w-0 flex-1 space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <h3 className={`font-medium ${step.done ? "text-slate-500 line-through decoration-slate-300" : "text-slate-900"}`}>
            {number}. {t(step.title)}
          </h3>
          <span
            className={`rounded-full px-2 py-0.5 text-xs font-medium ${step.done ? "bg-emerald-50 text-emerald-700" : "bg-slate-100 text-slate-600"}`}
            data-testid="onboarding-step-state"
          >
            {step.done ? t("dashboard.checklist.done") : t("dashboard.checklist.todo")}
          </span>
        </div>
        {!step.done && (
          <>
            <p className="text-sm text-slate-600">{t(step.hint)}</p>
            {step.actions.length ? (
              <div className="flex flex-wrap gap-2 pt-1">
                {step.actions.map((action, i) => (
                  <Link
                    key={action.to}
                    to={action.to}
                    className={
                      i === 0
                        ? "rounded-lg border border-brand-600 px-3 py-1.5 text-sm font-semibold text-brand-700 hover:bg-brand-50"
                        : "rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50"
                    }
                  >
                    {t(action.label)}
                  </Link>
                ))}
              </div>
            ) : (
              <p className="text-xs text-slate-500">{t("dashboard.checklist.afterCompany")}</p>
            )}
          </>
        )}
      </div>
    </li>
  );
}

/** A business's first steps at the top of the dashboard, until they are all done or the person hides them. */
export function OnboardingChecklist({ userId }: { userId: string }) {
  const { t } = useI18n();
  const titleId = useId();
  const [memory, setMemory] = useState<OnboardingMemory | null>(() => recallOnboarding(userId));
  const { steps, ready } = useOnboardingSteps(memory === null);
  const done = steps.filter((s) => s.done).length;
  const complete = ready && done === steps.length;

  useEffect(() => {
    if (complete) rememberOnboarding(userId, "complete");
  }, [complete, userId]);

  if (memory !== null || !ready || complete) return null;

  function hide() {
    rememberOnboarding(userId, "dismissed");
    setMemory("dismissed");
  }

  const progress = t("dashboard.checklist.progress", { done, total: steps.length });
  return (
    <Card testId="onboarding">
      <section aria-labelledby={titleId}>
        <div className="flex items-start justify-between gap-3">
          <div>
            <h2 id={titleId} className="text-lg font-semibold">
              {t("dashboard.checklist.title")}
            </h2>
            <p className="text-sm text-slate-600" data-testid="onboarding-progress">
              {progress}
            </p>
          </div>
          <button
            type="button"
            onClick={hide}
            aria-label={t("dashboard.checklist.hideLabel")}
            className="rounded-lg px-2.5 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100"
          >
            {t("dashboard.checklist.hide")}
          </button>
        </div>
        <div
          role="progressbar"
          aria-label={t("dashboard.checklist.progressLabel")}
          aria-valuemin={0}
          aria-valuemax={steps.length}
          aria-valuenow={done}
          aria-valuetext={progress}
          className="mt-3 h-2 overflow-hidden rounded-full bg-slate-100"
        >
          <div className="h-full rounded-full bg-emerald-500 transition-all" style={{ width: `${(done / steps.length) * 100}%` }} />
        </div>
        <ol className="mt-2 divide-y divide-slate-100">
          {steps.map((step, i) => (
            <Step key={step.id} step={step} number={i + 1} />
          ))}
        </ol>
      </section>
    </Card>
  );
}

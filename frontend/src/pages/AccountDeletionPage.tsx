import { Link, useParams } from "react-router-dom";

import { AuthLayout } from "../components/AuthLayout";
import { Alert, ErrorAlert, Spinner } from "../components/ui";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { useDeletionStatus, useForgetSession } from "../queries/deletion";

const STEP_STYLE: Record<string, string> = {
  done: "text-emerald-700",
  running: "text-brand-700",
  retrying: "text-amber-700",
  pending: "text-slate-500",
};

/** Follows an account deletion step by step. Public: the user is signed out by then, and the answer names no one. */
export function AccountDeletionPage() {
  const { t } = useI18n();
  const { jobId = "" } = useParams();
  useForgetSession();
  const status = useDeletionStatus(jobId);
  const data = status.data;
  return (
    <AuthLayout title={t("deletion.pageTitle")}>
      <div className="space-y-4" data-testid="deletion-status">
        {status.isError ? (
          status.error?.status === 404 || status.error?.status === 422 ? <Alert kind="error">{t("deletion.notFound")}</Alert> : <ErrorAlert error={status.error} />
        ) : !data ? (
          <Spinner label={t("deletion.running")} />
        ) : (
          <>
            {data.status === "done" ? (
              <Alert kind="success">{t("deletion.done")}</Alert>
            ) : data.status === "failed" ? (
              <Alert kind="error">{t("deletion.failed")}</Alert>
            ) : (
              <p className="text-sm text-slate-600">{t("deletion.pageIntro")}</p>
            )}
            <ol className="space-y-2 text-sm">
              {data.steps.map((step) => (
                <li key={step.name} className="flex flex-wrap items-baseline justify-between gap-x-4" data-testid={`deletion-step-${step.name}`}>
                  <span className="text-slate-900">{t(`deletion.step.${step.name}` as MessageKey)}</span>
                  <span className={`font-medium ${STEP_STYLE[step.status] ?? ""}`}>
                    {t(`deletion.status.${step.status}` as MessageKey)}
                    {step.attempts > 1 && <span className="ml-2 font-normal text-slate-500">{t("deletion.attempts", { n: step.attempts })}</span>}
                  </span>
                  {step.last_error && step.status !== "done" && <span className="w-full text-xs text-amber-700">{step.last_error}</span>}
                </li>
              ))}
            </ol>
          </>
        )}
        <Link to="/login" className="text-sm text-brand-700 hover:underline">{t("deletion.home")}</Link>
      </div>
    </AuthLayout>
  );
}

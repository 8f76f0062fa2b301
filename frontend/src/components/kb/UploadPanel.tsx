import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import type { ApiError } from "../../api/client";
import { useI18n } from "../../i18n";
import { kbKeys, uploadCatalogue, type RowError, type UploadResult } from "../../queries/kb";
import { Alert, Button, Card } from "../ui";
import { CatalogueDropZone } from "./CatalogueDropZone";

function ErrorReport({ errors, total }: { errors: RowError[]; total: number }) {
  const { t } = useI18n();
  if (!total) return null;
  return (
    <div className="space-y-2">
      <p className="text-sm font-medium text-red-700">{t("kb.rejected", { count: total })}</p>
      <div className="max-h-64 overflow-auto rounded-lg border border-red-200">
        <table className="w-full text-left text-sm" data-testid="error-report">
          <thead className="bg-red-50 text-red-800">
            <tr>
              <th className="px-3 py-2">{t("kb.errorRow")}</th>
              <th className="px-3 py-2">{t("kb.errorColumn")}</th>
              <th className="px-3 py-2">{t("kb.errorMessage")}</th>
            </tr>
          </thead>
          <tbody>
            {errors.map((e, i) => (
              <tr key={`${e.row}-${e.column}-${i}`} className="border-t border-red-100">
                <td className="px-3 py-1.5 tabular-nums">{e.row}</td>
                <td className="px-3 py-1.5">{e.column}</td>
                <td className="px-3 py-1.5">{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function UploadPanel({ companyId }: { companyId: string }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<"replace" | "append">("replace");
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<UploadResult | null>(null);
  const [failure, setFailure] = useState<(ApiError & { body?: { errors?: RowError[] } }) | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setResult(null);
    setFailure(null);
    setProgress(0);
    try {
      setResult(await uploadCatalogue({ file, companyId, mode }, setProgress));
      await queryClient.invalidateQueries({ queryKey: kbKeys.all });
    } catch (error) {
      setFailure(error as ApiError & { body?: { errors?: RowError[] } });
    } finally {
      setProgress(null);
    }
  };

  const percent = progress === null ? 0 : Math.round(progress * 100);
  return (
    <Card className="space-y-4">
      <h2 className="text-lg font-semibold">{t("kb.upload")}</h2>
      <form onSubmit={submit} className="space-y-3">
        <CatalogueDropZone
          file={file}
          onFile={(chosen) => {
            setFile(chosen);
            setResult(null);
            setFailure(null);
          }}
        />
        <fieldset className="flex flex-col gap-1 text-sm sm:flex-row sm:gap-6">
          <legend className="sr-only">{t("polish.kb.mode")}</legend>
          {(["replace", "append"] as const).map((m) => (
            <label key={m} className="inline-flex items-center gap-2">
              <input type="radio" name="mode" checked={mode === m} onChange={() => setMode(m)} />
              {m === "replace" ? t("kb.modeReplace") : t("kb.modeAppend")}
            </label>
          ))}
        </fieldset>
        {progress !== null && (
          <div className="space-y-1" aria-live="polite">
            <div className="h-2 overflow-hidden rounded-full bg-slate-200" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
              <div className="h-full bg-brand-600 transition-all" style={{ width: `${percent}%` }} />
            </div>
            <p className="text-xs text-slate-600">{percent < 100 ? t("kb.uploading", { percent }) : t("kb.importing")}</p>
          </div>
        )}
        <Button type="submit" disabled={!file || progress !== null}>{t("kb.upload")}</Button>
      </form>
      {result && (
        <div className="space-y-3" data-testid="upload-result">
          <Alert kind={result.rows_rejected ? "warning" : "success"}>
            {t("kb.result", { imported: result.rows_imported, total: result.rows_total })}
          </Alert>
          <ErrorReport errors={result.errors} total={result.rows_rejected} />
        </div>
      )}
      {failure && (
        <div className="space-y-3">
          <Alert>{failure.message}</Alert>
          <ErrorReport errors={failure.body?.errors ?? []} total={failure.body?.errors?.length ?? 0} />
        </div>
      )}
    </Card>
  );
}

import { useI18n } from "../../i18n";
import { downloadTemplate, useKnowledgeBases } from "../../queries/kb";
import { UploadPanel } from "../kb/UploadPanel";
import { Alert } from "../ui";

/** The wizard's catalogue step: the new company's knowledge base, from a CSV/XLSX file (or later). */
export function CatalogueStep({ companyId, kind }: { companyId: string; kind: "product" | "service" }) {
  const { t } = useI18n();
  const kbs = useKnowledgeBases(companyId);
  const rows = (kbs.data?.items ?? []).reduce((sum, kb) => sum + kb.row_count, 0);
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">{t("wizard.catalogue.intro")}</p>
      <p className="text-sm text-slate-600">
        {t("wizard.catalogue.template")}{" "}
        <button type="button" className="font-medium text-brand-700 hover:underline" onClick={() => void downloadTemplate(kind, `${kind}-template.csv`)}>
          {kind === "product" ? t("kb.templateProduct") : t("kb.templateService")}
        </button>
      </p>
      <UploadPanel companyId={companyId} />
      {rows > 0 && (
        <Alert kind="success">
          <span data-testid="wizard-catalogue-rows">{t("wizard.catalogue.ready", { count: rows })}</span>
        </Alert>
      )}
    </div>
  );
}

import { useSearchParams } from "react-router-dom";

import { MediaPanel } from "../components/kb/MediaPanel";
import { RowsTable } from "../components/kb/RowsTable";
import { SearchBox } from "../components/kb/SearchBox";
import { UploadPanel } from "../components/kb/UploadPanel";
import { ErrorAlert, Spinner } from "../components/ui";
import { NoCompanies } from "../components/NoCompanies";
import { usePermissions } from "../lib/usePermissions";
import { useI18n } from "../i18n";
import { useCompanies } from "../queries/companies";
import { downloadTemplate, useKnowledgeBases } from "../queries/kb";

export function KnowledgeBasePage() {
  const { t } = useI18n();
  const companies = useCompanies();
  const [params, setParams] = useSearchParams();
  const items = companies.data?.items ?? [];
  const companyId = params.get("company") ?? items[0]?.id;
  const kbs = useKnowledgeBases(companyId);
  const { can } = usePermissions();
  const canEdit = can("kb.edit");

  return (
    <div className="mx-auto max-w-5xl space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">{t("kb.title")}</h1>
        <p className="text-sm text-slate-600">{t("kb.subtitle")}</p>
      </div>
      {companies.isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={companies.error ?? kbs.error} />
      {companies.data && items.length === 0 && <NoCompanies />}
      {companyId && (
        <>
          <div className="flex flex-wrap items-end justify-between gap-3">
            <label className="space-y-1 text-sm font-medium text-slate-700">
              <span className="block">{t("kb.company")}</span>
              <select
                value={companyId}
                onChange={(e) => setParams({ company: e.target.value })}
                className="rounded-lg border border-slate-300 bg-white px-3 py-2"
              >
                {items.map((c) => (
                  <option key={c.id} value={c.id}>{c.name} ({c.company_id})</option>
                ))}
              </select>
            </label>
            <div className="flex items-center gap-2 text-sm text-slate-600">
              {t("kb.templates")}
              <button type="button" className="text-brand-700 hover:underline" onClick={() => downloadTemplate("product", "product-template.csv")}>
                {t("kb.templateProduct")}
              </button>
              ·
              <button type="button" className="text-brand-700 hover:underline" onClick={() => downloadTemplate("service", "service-template.csv")}>
                {t("kb.templateService")}
              </button>
            </div>
          </div>
          <div className="grid gap-6 lg:grid-cols-2">
            {canEdit && <UploadPanel companyId={companyId} />}
            <SearchBox companyId={companyId} />
          </div>
          {kbs.data?.items.map((kb) => <RowsTable key={kb.id} kb={kb} canEdit={canEdit} />)}
          {can("media.manage") && (
            <MediaPanel defaultFolder={items.find((c) => c.id === companyId)?.company_type === "Service" ? "service" : "product"} />
          )}
        </>
      )}
    </div>
  );
}

import { useSearchParams } from "react-router-dom";

import { useI18n } from "../i18n";
import { useCompanies, type Company } from "../queries/companies";

/** The company a page works on, kept in the URL (?company=) so a link or a reload keeps the choice. */
export function useSelectedCompany(): { companies: Company[]; company: Company | undefined; isPending: boolean; error: unknown } {
  const companies = useCompanies();
  const [params] = useSearchParams();
  const items = companies.data?.items ?? [];
  const wanted = params.get("company");
  const company = items.find((c) => c.id === wanted) ?? items[0];
  return { companies: items, company, isPending: companies.isPending, error: companies.error };
}

export function CompanyPicker({ companies, value }: { companies: Company[]; value: string | undefined }) {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  if (companies.length < 2) return null;
  return (
    <label className="space-y-1 text-sm font-medium text-slate-700">
      <span className="block">{t("kb.company")}</span>
      <select
        value={value}
        onChange={(e) => {
          const next = new URLSearchParams(params);
          next.set("company", e.target.value);
          setParams(next);
        }}
        className="rounded-lg border border-slate-300 bg-white px-3 py-2"
      >
        {companies.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} ({c.company_id})
          </option>
        ))}
      </select>
    </label>
  );
}

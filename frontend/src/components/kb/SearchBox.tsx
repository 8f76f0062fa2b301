import { useState } from "react";

import { useI18n } from "../../i18n";
import { useKbSearch } from "../../queries/kb";
import { Card, ErrorAlert } from "../ui";

export function SearchBox({ companyId }: { companyId: string }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState("");
  const [query, setQuery] = useState("");
  const results = useKbSearch(companyId, query);
  return (
    <Card className="space-y-3">
      <div>
        <h2 className="text-lg font-semibold">{t("kb.searchTitle")}</h2>
        <p className="text-sm text-slate-600">{t("kb.searchHint")}</p>
      </div>
      <form onSubmit={(e) => { e.preventDefault(); setQuery(draft.trim()); }} className="flex gap-2">
        <input
          type="search"
          aria-label={t("kb.searchTitle")}
          placeholder={t("kb.searchPlaceholder")}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          className="block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm"
        />
        <button type="submit" aria-label={t("polish.kb.search")} title={t("polish.kb.search")} className="rounded-lg bg-brand-600 px-4 text-sm font-semibold text-white hover:bg-brand-700">
          <span aria-hidden="true">→</span>
        </button>
      </form>
      <ErrorAlert error={results.error} />
      {results.data && results.data.results.length === 0 && <p className="text-sm text-slate-500">{t("kb.noMatch")}</p>}
      <ol className="space-y-2" data-testid="search-results">
        {results.data?.results.map((hit) => (
          <li key={hit.row.id} className="rounded-lg border border-slate-200 px-3 py-2">
            <div className="flex items-baseline justify-between gap-2">
              <span className="font-medium">{hit.row.name}</span>
              <span className={`rounded-full px-2 py-0.5 text-xs ${hit.match === "all" ? "bg-emerald-50 text-emerald-800" : "bg-slate-100 text-slate-600"}`}>
                {t(`kb.match.${hit.match}`)}
              </span>
            </div>
            <div className="text-sm text-slate-600">
              {hit.row.price !== null && <span className="mr-2 font-semibold text-slate-800">{hit.row.price} {hit.row.currency ?? ""}</span>}
              {hit.row.description}
            </div>
          </li>
        ))}
      </ol>
    </Card>
  );
}

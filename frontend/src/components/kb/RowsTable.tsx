import { useState } from "react";

import { useI18n } from "../../i18n";
import { downloadExport, useDeleteRow, useKbRows, type KnowledgeBase } from "../../queries/kb";
import { Button, Card, ErrorAlert, Spinner } from "../ui";
import { RowEditor } from "./RowEditor";

const PAGE = 25;

// The name the server gives the KB it creates for a company (there is no rename yet). Shown in the UI language;
// any other name is the owner's own and is shown as written.
const SERVER_DEFAULT_NAME = "Catalogue";

export function RowsTable({ kb, canEdit }: { kb: KnowledgeBase; canEdit: boolean }) {
  const { t } = useI18n();
  const [filter, setFilter] = useState("");
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<string | null>(null);
  const rows = useKbRows(kb.id, filter, offset, PAGE);
  const remove = useDeleteRow(kb.id);
  const total = rows.data?.total ?? 0;
  const title = kb.name === SERVER_DEFAULT_NAME ? t("polish.kb.defaultName") : kb.name;

  return (
    <Card className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-lg font-semibold">
          {title} <span className="text-sm font-normal text-slate-500">· {t("kb.rows", { count: total })}</span>
        </h2>
        <Button variant="secondary" onClick={() => downloadExport(kb.id, `${title}.csv`)}>
          {t("kb.export")}
        </Button>
      </div>
      <input
        type="search"
        aria-label={t("kb.filter")}
        placeholder={t("kb.filter")}
        value={filter}
        onChange={(e) => {
          setFilter(e.target.value);
          setOffset(0);
        }}
        className="block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm"
      />
      {rows.isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={rows.error ?? remove.error} />
      {rows.data && rows.data.items.length === 0 && <p className="text-sm text-slate-500">{t("kb.empty")}</p>}
      <ul className="divide-y divide-slate-100" data-testid="kb-rows">
        {rows.data?.items.map((row) => (
          <li key={row.id} className="py-3" data-testid="kb-row">
            {editing === row.id ? (
              <RowEditor kbId={kb.id} row={row} onDone={() => setEditing(null)} />
            ) : (
              <div className="flex flex-col gap-2 sm:flex-row sm:items-start sm:justify-between">
                <div className="min-w-0">
                  <div className="font-medium">
                    {row.name}
                    {row.sku && <span className="ml-2 text-xs text-slate-500">{row.sku}</span>}
                  </div>
                  <div className="line-clamp-2 text-sm text-slate-600">{row.description}</div>
                  <div className="mt-1 flex flex-wrap gap-x-4 text-xs text-slate-500">
                    {row.price !== null && <span className="font-semibold text-slate-800">{row.price} {row.currency ?? ""}</span>}
                    {row.category && <span>{row.category}</span>}
                    {row.stock !== null && <span>{t("polish.kb.stock", { n: row.stock })}</span>}
                    {row.duration_minutes !== null && <span>{t("polish.kb.minutes", { n: row.duration_minutes })}</span>}
                    {row.format && <span>{row.format}</span>}
                  </div>
                </div>
                <div className={`shrink-0 gap-2 ${canEdit ? "flex" : "hidden"}`}>
                  <Button variant="secondary" className="px-3 py-1.5" onClick={() => setEditing(row.id)} aria-label={`${t("kb.edit")} ${row.name}`}>
                    {t("kb.edit")}
                  </Button>
                  <Button
                    variant="danger"
                    className="px-3 py-1.5"
                    aria-label={`${t("kb.delete")} ${row.name}`}
                    onClick={() => window.confirm(t("kb.deleteConfirm", { name: row.name })) && remove.mutate(row.id)}
                  >
                    {t("kb.delete")}
                  </Button>
                </div>
              </div>
            )}
          </li>
        ))}
      </ul>
      {total > PAGE && (
        <div className="flex items-center justify-between text-sm">
          <Button variant="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>{t("kb.prev")}</Button>
          <span className="text-slate-500">{offset + 1}–{Math.min(offset + PAGE, total)} / {total}</span>
          <Button variant="secondary" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>{t("kb.next")}</Button>
        </div>
      )}
    </Card>
  );
}

import { useMemo, useState } from "react";

import { ActivityFilterBar } from "../components/activity/ActivityFilterBar";
import { ActivityRow } from "../components/activity/ActivityRow";
import { NoCompanies } from "../components/NoCompanies";
import { Button, Card, ErrorAlert, Spinner } from "../components/ui";
import { useI18n } from "../i18n";
import { useActivity, type ActivityFilters, type ActivityItem } from "../queries/activity";
import { useCompanies } from "../queries/companies";

/** The activity log (SPEC.md R-UI2): every provider sync of the companies the person may see (webhook
 * registration, n8n provisioning, failed sends, calendar writes), newest first, with Retry where it helps. */
export function ActivityPage() {
  const { t } = useI18n();
  const companies = useCompanies();
  const [filters, setFilters] = useState<ActivityFilters>({});
  const list = companies.data?.items ?? [];
  const log = useActivity(filters, list.length > 0);
  const items = useMemo(() => {
    // Pages are cut by offset: an entry written meanwhile can push one onto the next page twice; show it once.
    const byId = new Map<string, ActivityItem>();
    for (const page of log.data?.pages ?? []) for (const item of page.items) if (!byId.has(item.id)) byId.set(item.id, item);
    return [...byId.values()];
  }, [log.data]);
  const total = log.data?.pages.at(-1)?.total ?? 0;
  const names = new Map(list.map((c) => [c.id, c.name]));
  const mixed = !filters.company && list.length > 1;
  const filtered = Boolean(filters.company || filters.status || filters.kind);

  return (
    <div className="mx-auto max-w-5xl space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">{t("activity.title")}</h1>
        <p className="text-sm text-slate-600">{t("activity.subtitle")}</p>
      </div>
      {companies.isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={companies.error} />
      {companies.data && list.length === 0 && <NoCompanies />}
      {list.length > 0 && (
        <>
          <ActivityFilterBar companies={list} filters={filters} onChange={setFilters} />
          <ErrorAlert error={log.error} />
          {log.isPending && <Spinner label={t("common.loading")} />}
          {log.isSuccess && items.length === 0 && (
            <Card>
              <p className="text-sm text-slate-600">{t(filtered ? "activity.emptyFiltered" : "activity.empty")}</p>
            </Card>
          )}
          {items.length > 0 && (
            <Card padded={false}>
              <ul className="divide-y divide-slate-200" aria-label={t("activity.title")}>
                {items.map((item) => (
                  <ActivityRow key={item.id} item={item} companyName={mixed ? names.get(item.company_id) : undefined} />
                ))}
              </ul>
            </Card>
          )}
          {log.hasNextPage && (
            <div className="text-center">
              <Button variant="secondary" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
                {log.isFetchingNextPage ? t("common.loading") : t("activity.showMore", { shown: items.length, total })}
              </Button>
            </div>
          )}
        </>
      )}
    </div>
  );
}

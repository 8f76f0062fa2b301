import { useMemo } from "react";

import { NoCompanies } from "../components/NoCompanies";
import { PurchaseFilterBar } from "../components/purchases/PurchaseFilterBar";
import { PurchaseRow } from "../components/purchases/PurchaseRow";
import { PurchasesEmpty } from "../components/purchases/PurchasesEmpty";
import { PurchaseTotals } from "../components/purchases/PurchaseTotals";
import { useFiltersInUrl } from "../components/purchases/useFiltersInUrl";
import { Button, Card, ErrorAlert, Spinner } from "../components/ui";
import { useI18n } from "../i18n";
import { useCompanies } from "../queries/companies";
import { usePurchases, type Purchase, type PurchaseFilters } from "../queries/purchases";

/** The purchase log (SPEC.md R-P3): orders made in chat across the companies the person may see, filtered by
 * company, status and period (kept in the URL), with totals per currency and a CSV of the same orders. */
export function PurchasesPage() {
  const { t } = useI18n();
  const companies = useCompanies();
  const [wanted, setFilters] = useFiltersInUrl();
  const list = companies.data?.items ?? [];
  // A company that is not one of the person's (an old link) is dropped rather than asked for and refused.
  const filters: PurchaseFilters = { ...wanted, company: list.some((c) => c.id === wanted.company) ? wanted.company : undefined };
  const periodError = filters.from && filters.to && filters.from > filters.to ? t("payments.purchases.periodBackwards") : undefined;
  const log = usePurchases(filters, list.length > 0 && !periodError);
  const orders = useMemo(() => {
    // Pages are cut by offset: an order made meanwhile can push one onto the next page twice; show it once.
    const byId = new Map<string, Purchase>();
    for (const page of log.data?.pages ?? []) for (const order of page.items) if (!byId.has(order.id)) byId.set(order.id, order);
    return [...byId.values()];
  }, [log.data]);
  const total = log.data?.pages.at(-1)?.total ?? 0;
  const names = new Map(list.map((c) => [c.id, c.name]));
  const mixed = !filters.company && list.length > 1;
  const narrowed = Boolean(filters.status || filters.from || filters.to); // beyond the company: "nothing matches"

  return (
    <div className="mx-auto max-w-6xl space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">{t("payments.purchases.title")}</h1>
        <p className="text-sm text-slate-600">{t("payments.purchases.subtitle")}</p>
      </div>
      {companies.isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={companies.error} />
      {companies.data && list.length === 0 && <NoCompanies />}
      {list.length > 0 && (
        <>
          <PurchaseFilterBar companies={list} filters={filters} onChange={setFilters} periodError={periodError} empty={orders.length === 0} />
          <ErrorAlert error={log.error} />
          {log.isPending && !periodError && <Spinner label={t("common.loading")} />}
          {log.isSuccess && orders.length === 0 && (
            <PurchasesEmpty filtered={narrowed} companyId={filters.company ?? list[0]?.id} onClear={() => setFilters({})} />
          )}
          {orders.length > 0 && (
            <>
              <PurchaseTotals orders={orders} total={total} />
              <Card padded={false}>
                <ul className="divide-y divide-slate-200" aria-label={t("payments.purchases.title")}>
                  {orders.map((order) => (
                    <PurchaseRow key={order.id} order={order} companyName={mixed ? names.get(order.company_id) : undefined} />
                  ))}
                </ul>
              </Card>
              {log.hasNextPage && (
                <div className="text-center">
                  <Button variant="secondary" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
                    {log.isFetchingNextPage ? t("common.loading") : t("payments.purchases.showMore", { shown: orders.length, total })}
                  </Button>
                </div>
              )}
            </>
          )}
        </>
      )}
    </div>
  );
}

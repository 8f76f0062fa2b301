import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router-dom";

import { LEAD_SOURCES, PURCHASE_STATUSES, type PurchaseFilters, type PurchaseStatus } from "../../queries/purchases";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const NAMES = ["company", "status", "from", "to", "source"] as const;

function day(value: string | null): string | undefined {
  return value && DAY.test(value) ? value : undefined;
}

function status(value: string | null): PurchaseStatus | undefined {
  return PURCHASE_STATUSES.find((s) => s === value);
}

function source(value: string | null): string | undefined {
  return LEAD_SOURCES.find((s) => s === value);
}

/** The purchase log's filters, kept in the URL (?company=&status=&from=&to=&source=) so a reload or a shared link shows the
 * same orders; values that are not a status or a day are ignored. */
export function useFiltersInUrl(): [PurchaseFilters, (next: PurchaseFilters) => void] {
  const [params, setParams] = useSearchParams();
  const company = params.get("company") ?? undefined;
  const statusValue = params.get("status");
  const from = params.get("from");
  const to = params.get("to");
  const sourceValue = params.get("source");
  const filters = useMemo<PurchaseFilters>(
    () => ({
      company: company || undefined,
      status: status(statusValue),
      from: day(from),
      to: day(to),
      source: source(sourceValue),
    }),
    [company, statusValue, from, to, sourceValue],
  );
  const setFilters = useCallback(
    (next: PurchaseFilters) => {
      setParams(
        (current) => {
          const updated = new URLSearchParams(current);
          for (const name of NAMES) {
            const value = next[name];
            if (value) updated.set(name, value);
            else updated.delete(name);
          }
          return updated;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  return [filters, setFilters];
}

export function hasFilters(filters: PurchaseFilters): boolean {
  return NAMES.some((name) => Boolean(filters[name]));
}

import { useI18n } from "../../i18n";
import type { PurchaseStatus } from "../../queries/purchases";

const STYLES: Record<PurchaseStatus, string> = {
  paid: "bg-emerald-100 text-emerald-800",
  pending: "bg-amber-100 text-amber-800",
  failed: "bg-red-100 text-red-800",
  expired: "bg-slate-100 text-slate-700",
  refunded: "bg-sky-100 text-sky-800",
};

export function PurchaseStatusBadge({ status }: { status: PurchaseStatus }) {
  const { t } = useI18n();
  return (
    <span className={`inline-block rounded-full px-2.5 py-0.5 text-xs font-semibold ${STYLES[status]}`} data-testid="purchase-status" data-status={status}>
      {t(`payments.order.status.${status}`)}
    </span>
  );
}

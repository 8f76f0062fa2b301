import { useI18n } from "../../i18n";
import type { ConnectStatus } from "../../queries/payments";

const STYLES: Record<ConnectStatus["status"], string> = {
  not_connected: "bg-slate-100 text-slate-700",
  pending: "bg-amber-100 text-amber-800",
  enabled: "bg-emerald-100 text-emerald-800",
  restricted: "bg-red-100 text-red-800",
};

export function ConnectStatusBadge({ status }: { status: ConnectStatus["status"] }) {
  const { t } = useI18n();
  return (
    <span className={`mt-1 shrink-0 rounded-full px-2.5 py-0.5 text-xs font-semibold ${STYLES[status]}`} data-testid="connect-status">
      {t(`payments.connect.status.${status}`)}
    </span>
  );
}

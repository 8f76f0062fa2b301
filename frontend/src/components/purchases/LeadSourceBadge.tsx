import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";

// Sources the platform sets itself (a TikTok tracking link, a Meta ad); any other is shown as it is stored.
const KNOWN: Record<string, MessageKey> = { tiktok: "channel.tiktok", meta_ads: "tiktok.leadSource.meta_ads" };

export function LeadSourceBadge({ source }: { source: string }) {
  const { t } = useI18n();
  const name = KNOWN[source.toLowerCase()];
  return (
    <span className="shrink-0 whitespace-nowrap rounded-full bg-violet-100 px-2 py-0.5 text-xs font-medium text-violet-800" data-testid="lead-source">
      {t("payments.purchases.leadSource", { source: name ? t(name) : source })}
    </span>
  );
}

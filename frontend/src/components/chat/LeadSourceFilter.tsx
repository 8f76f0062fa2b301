import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";

// The sources the platform sets itself: a TikTok tracking link, a Meta Click-to-WhatsApp ad.
const SOURCES: Record<string, MessageKey> = { tiktok: "channel.tiktok", meta_ads: "tiktok.leadSource.meta_ads" };

/** Narrow the inbox to the customers who came from one ad source. */
export function LeadSourceFilter({ value, onChange }: { value: string | undefined; onChange: (source: string | undefined) => void }) {
  const { t } = useI18n();
  return (
    <div className="border-b border-slate-200 bg-slate-50 px-3 py-2">
      <select
        aria-label={t("tiktok.leadSource.label")}
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value || undefined)}
        className="w-full rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm"
        data-testid="lead-source-filter"
      >
        <option value="">{t("tiktok.leadSource.all")}</option>
        {Object.entries(SOURCES).map(([source, key]) => (
          <option key={source} value={source}>
            {t(key)}
          </option>
        ))}
      </select>
    </div>
  );
}

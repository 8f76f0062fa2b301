import { useState } from "react";

import { formatMoney } from "../purchases/money";
import { Button } from "../ui";
import { useI18n } from "../../i18n";
import { TikTokQrCode } from "./TikTokQrCode";
import { useDeactivateTikTokLink, type TikTokLink } from "./TikTokQueries";

function Stat({ label, value, testId }: { label: string; value: string | number; testId: string }) {
  return (
    <div className="rounded-lg bg-slate-50 px-3 py-2">
      <div className="text-xs text-slate-500">{label}</div>
      <div className="font-semibold text-slate-900" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

/** One tracking link: its URL (copy), its QR code, and what it brought: clicks, leads, paid orders, revenue. */
export function TikTokLinkRow({ link, canEdit }: { link: TikTokLink; canEdit: boolean }) {
  const { t, language } = useI18n();
  const deactivate = useDeactivateTikTokLink();
  const [copied, setCopied] = useState(false);
  const expired = new Date(link.expires_at) <= new Date();
  const live = link.active && !expired;
  const revenue = link.revenue.length
    ? link.revenue.map((r) => formatMoney(r.amount, r.currency, language)).join(" · ")
    : "—";

  async function copy() {
    try {
      await navigator.clipboard.writeText(link.url);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false); // no clipboard (an insecure page): the URL stays selectable
    }
  }

  return (
    <li className="space-y-3 py-4" data-testid="tiktok-link">
      <div className="flex items-start gap-4">
        {live && <TikTokQrCode url={link.url} name={link.name} />}
        <div className="min-w-0 flex-1 space-y-1">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium text-slate-900">{link.name}</span>
            {link.campaign && <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{link.campaign}</span>}
            {!live && (
              <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-700">
                {t(link.active ? "tiktok.link.expired" : "tiktok.link.stopped")}
              </span>
            )}
          </div>
          <code className="block select-all break-all text-sm text-brand-700" data-testid="tiktok-link-url">
            {link.url}
          </code>
          <p className="text-xs text-slate-500">
            {t("tiktok.link.expires", { date: new Date(link.expires_at).toLocaleDateString(language, { dateStyle: "medium" }) })}
          </p>
          <div className="flex flex-wrap gap-2 pt-1">
            <Button variant="secondary" onClick={() => void copy()}>
              {copied ? t("tiktok.link.copied") : t("tiktok.link.copy")}
            </Button>
            {canEdit && link.active && (
              <Button variant="secondary" onClick={() => deactivate.mutate(link.id)} disabled={deactivate.isPending}>
                {t("tiktok.link.stop")}
              </Button>
            )}
          </div>
        </div>
      </div>
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
        <Stat label={t("tiktok.stats.clicks")} value={link.clicks} testId="tiktok-clicks" />
        <Stat label={t("tiktok.stats.leads")} value={link.leads} testId="tiktok-leads" />
        <Stat label={t("tiktok.stats.orders")} value={link.orders} testId="tiktok-orders" />
        <Stat label={t("tiktok.stats.revenue")} value={revenue} testId="tiktok-revenue" />
      </div>
      {link.bot_clicks > 0 && <p className="text-xs text-slate-500">{t("tiktok.stats.bots", { n: link.bot_clicks })}</p>}
    </li>
  );
}

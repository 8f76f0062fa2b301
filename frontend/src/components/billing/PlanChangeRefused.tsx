import { Link } from "react-router-dom";

import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import type { TooManyChannels } from "../../queries/subscriptions";
import { pluralForm } from "./plural";

/** A downgrade refused because more channels are in use than the new plan allows: the channels, listed plainly,
 * each with a way to its company, where it is removed. */
export function PlanChangeRefused({ plan, limit, refusal }: { plan: string; limit: number; refusal: TooManyChannels }) {
  const { t, language } = useI18n();
  const allowed = t(`billing.plans.channels.${pluralForm(limit, language)}`, { count: limit });
  return (
    <div role="alert" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="too-many-channels">
      <p className="font-semibold">{t("billing.tooMany.title")}</p>
      <p className="mt-1">{t("billing.tooMany.body", { plan, limit: allowed, count: refusal.channels.length })}</p>
      <ul className="mt-2 space-y-1">
        {refusal.channels.map((channel) => (
          <li key={`${channel.company_id}:${channel.platform}`} className="flex flex-wrap items-center gap-x-2" data-testid="too-many-channel">
            <span className="font-medium">{t(`channel.${channel.platform}` as MessageKey)}</span>
            {channel.id === null && <span className="text-amber-800/80">({t("billing.tooMany.notConnected")})</span>}
            <Link to={`/companies/${channel.company_id}/edit`} className="text-brand-700 underline">
              {t("billing.tooMany.company")}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

import { Link } from "react-router-dom";

import { useI18n } from "../../i18n";
import { usePermissions } from "../../lib/usePermissions";
import type { Company } from "../../queries/companies";
import { useAvailableChannels, useChannels } from "../../queries/integrations";
import { ChannelCard } from "../../pages/IntegrationsPage";
import { ChannelIcon } from "../ChannelIcon";
import { Card, ErrorAlert, Spinner } from "../ui";

/** The wizard's last step: connect each chosen channel here (the same cards as the Integrations page), or try the
 * assistant in the playground first. */
export function ConnectStep({ company }: { company: Company }) {
  const { t } = useI18n();
  const { can } = usePermissions();
  const available = useAvailableChannels(company.id);
  const channels = useChannels(company.id);
  if (available.isPending) return <Spinner label={t("common.loading")} />;
  const chosen = available.data?.items.filter((c) => c.chosen) ?? [];
  const byPlatform = new Map((channels.data?.items ?? []).map((c) => [c.platform, c]));
  return (
    <div className="space-y-4">
      <ErrorAlert error={available.error ?? channels.error} />
      <p className="text-sm text-slate-600">{chosen.length ? t("wizard.connect.intro") : t("wizard.connect.noChannels")}</p>
      {chosen.map((c) => (
        <ChannelCard
          key={c.platform}
          platform={c.platform}
          channel={byPlatform.get(c.platform)}
          companyId={company.id}
          available={c}
          canEdit={can("channel.connect")}
        />
      ))}
      <Card>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div className="flex items-center gap-3">
            <ChannelIcon platform="web" />
            <div>
              <div className="font-semibold text-slate-900">{t("channel.web")}</div>
              <div className="text-sm text-slate-600">{t("integrations.playgroundHint")}</div>
            </div>
          </div>
          <Link to={`/playground?company=${company.id}`} className="text-sm font-semibold text-brand-700 hover:underline">
            {t("integrations.openPlayground")}
          </Link>
        </div>
      </Card>
    </div>
  );
}

import { useI18n } from "../../i18n";
import { usePermissions } from "../../lib/usePermissions";
import type { Company } from "../../queries/companies";
import { useAvailableChannels, useChannels } from "../../queries/integrations";
import { ChannelCard } from "../../pages/IntegrationsPage";
import { PlaygroundCard } from "../PlaygroundCard";
import { ErrorAlert, Spinner } from "../ui";

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
      <PlaygroundCard companyId={company.id} />
    </div>
  );
}

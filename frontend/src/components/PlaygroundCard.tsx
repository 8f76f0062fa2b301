import { Link } from "react-router-dom";

import { useI18n } from "../i18n";
import { ChannelIcon } from "./ChannelIcon";
import { Card } from "./ui";

/** The playground as a channel card: always there, a link to try the company's assistant. */
export function PlaygroundCard({ companyId }: { companyId: string }) {
  const { t } = useI18n();
  return (
    <Card>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-3">
          <ChannelIcon platform="web" />
          <div>
            <div className="font-semibold text-slate-900">{t("channel.web")}</div>
            <div className="text-sm text-slate-600">{t("integrations.playgroundHint")}</div>
          </div>
        </div>
        <Link to={`/playground?company=${companyId}`} className="text-sm font-semibold text-brand-700 hover:underline">
          {t("integrations.openPlayground")}
        </Link>
      </div>
    </Card>
  );
}

import { useState } from "react";

import { ChannelIcon } from "../ChannelIcon";
import { Alert, Button, Card, ErrorAlert } from "../ui";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { useDisconnect, type ChannelInfo } from "../../queries/integrations";
import { TikTokLinks } from "./TikTokLinks";
import { useConnectTikTok } from "./TikTokQueries";

/** TikTok on the Integrations page (SPEC.md R-CH6): TikTok has no messages of its own, so it is connected by naming
 * the company's WhatsApp channel, and then offers tracking links to put in ads. */
export function TikTokCard({
  companyId,
  channel,
  channels,
  canEdit,
}: {
  companyId: string;
  channel: ChannelInfo | undefined;
  channels: ChannelInfo[];
  canEdit: boolean;
}) {
  const { t } = useI18n();
  const connect = useConnectTikTok();
  const disconnect = useDisconnect();
  const whatsapp = channels.filter((c) => c.platform === "whatsapp" && c.status === "CONNECTED");
  const [picked, setPicked] = useState("");
  const chosen = picked || whatsapp[0]?.channel_id || "";
  const connected = channel?.status === "CONNECTED";
  const status = channel?.status ?? "DISCONNECTED";

  return (
    <Card testId="channel-tiktok" className="md:col-span-2">
      <div className="flex items-start justify-between gap-3">
        <div className="flex items-center gap-3">
          <ChannelIcon platform="tiktok" />
          <div>
            <div className="font-semibold text-slate-900">{t("channel.tiktok")}</div>
            <div className="text-sm text-slate-600">{t("tiktok.card.subtitle")}</div>
          </div>
        </div>
        <span
          className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${connected ? "bg-emerald-100 text-emerald-800" : "bg-slate-100 text-slate-700"}`}
        >
          {t(`integrations.status.${status}` as MessageKey)}
        </span>
      </div>
      {channel?.last_error && (
        <div className="mt-3">
          <Alert kind="warning">{channel.last_error}</Alert>
        </div>
      )}
      <div className="mt-4 space-y-4">
        {!connected && (
          <>
            <p className="text-sm text-slate-600">{t("tiktok.card.intro")}</p>
            {whatsapp.length === 0 && <Alert kind="info">{t("tiktok.card.needsWhatsapp")}</Alert>}
            {whatsapp.length > 0 && canEdit && (
              <div className="flex flex-wrap items-end gap-2">
                <label className="min-w-0 flex-1 text-sm">
                  <span className="mb-1 block font-medium text-slate-700">{t("tiktok.card.whatsapp")}</span>
                  <select
                    value={chosen}
                    onChange={(e) => setPicked(e.target.value)}
                    className="w-full rounded-lg border border-slate-300 bg-white px-2 py-2 text-sm"
                  >
                    {whatsapp.map((c) => (
                      <option key={c.channel_id} value={c.channel_id}>
                        {c.display_name ?? t("channel.whatsapp")}
                      </option>
                    ))}
                  </select>
                </label>
                <Button
                  onClick={() => connect.mutate({ company_id: companyId, whatsapp_channel_id: chosen })}
                  disabled={connect.isPending || !chosen}
                >
                  {connect.isPending ? t("integrations.connecting") : t("integrations.connect")}
                </Button>
              </div>
            )}
            <ErrorAlert error={connect.error} />
          </>
        )}
        {connected && channel && (
          <>
            <TikTokLinks channelId={channel.channel_id} canEdit={canEdit} />
            {canEdit && (
              <Button variant="danger" onClick={() => disconnect.mutate(channel.channel_id)} disabled={disconnect.isPending}>
                {t("integrations.disconnect")}
              </Button>
            )}
            <ErrorAlert error={disconnect.error} />
          </>
        )}
      </div>
    </Card>
  );
}

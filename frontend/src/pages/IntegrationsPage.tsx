import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";

import { ChannelIcon } from "../components/ChannelIcon";
import { CompanyPicker, useSelectedCompany } from "../components/CompanyPicker";
import { Alert, Button, Card, ErrorAlert, Spinner, TextField } from "../components/ui";
import { NoCompanies } from "../components/NoCompanies";
import { EmailConnect } from "../components/integrations/EmailConnect";
import { MetaConnect } from "../components/integrations/MetaConnect";
import { PlaygroundCard } from "../components/PlaygroundCard";
import { TikTokCard } from "../components/integrations/TikTokCard";
import { EngineSwitch } from "../components/integrations/EngineSwitch";
import { usePermissions } from "../lib/usePermissions";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { useQueryClient } from "@tanstack/react-query";

import { useUpdateCompany, type Company, type SelectableChannel } from "../queries/companies";
import {
  useAvailableChannels,
  useChannels,
  useConnect,
  useDisconnect,
  useQr,
  integrationKeys,
  type AvailableChannel,
  type ChannelInfo,
  type ConnectForm,
} from "../queries/integrations";

function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const style =
    status === "CONNECTED" ? "bg-emerald-100 text-emerald-800" : status === "ERROR" ? "bg-red-100 text-red-800" : "bg-slate-100 text-slate-700";
  return <span className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${style}`}>{t(`integrations.status.${status}` as MessageKey)}</span>;
}

/** The dashboard's own words for a key the API names, else the API's English words. */
function wordsFor(t: ReturnType<typeof useI18n>["t"], key: string, fallback: string) {
  const translated = t(key as MessageKey) as string | undefined;
  return translated || fallback;
}

/** Any platform's connect step, drawn from the API's description of it: a form of fields, or one button. */
function ConnectPanel({ platform, companyId, form }: { platform: string; companyId: string; form: ConnectForm }) {
  const { t } = useI18n();
  const connect = useConnect(form);
  const [values, setValues] = useState<Record<string, string>>({});
  const ready = form.fields.every((f) => (values[f.name] ?? "").trim().length >= f.min_length);
  function submit(event: FormEvent) {
    event.preventDefault();
    const body: Record<string, string> = { company_id: companyId };
    for (const f of form.fields) body[f.name] = (values[f.name] ?? "").trim();
    connect.mutate(body, { onSuccess: () => setValues({}) });
  }
  return (
    <form onSubmit={submit} className="space-y-3">
      {wordsFor(t, `integrations.intro.${platform}`, "") && (
        <p className="text-sm text-slate-600">{wordsFor(t, `integrations.intro.${platform}`, "")}</p>
      )}
      {form.fields.map((f) => (
        <TextField
          key={f.name}
          label={wordsFor(t, `integrations.field.${f.name}`, f.label)}
          hint={wordsFor(t, `integrations.field.${f.name}.hint`, f.hint)}
          value={values[f.name] ?? ""}
          onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
          autoComplete="off"
          spellCheck={false}
        />
      ))}
      <ErrorAlert error={connect.error} />
      <Button type="submit" disabled={connect.isPending || !ready}>
        {connect.isPending ? t("integrations.connecting") : t("integrations.connect")}
      </Button>
    </form>
  );
}

function QrPanel({ qrPath, channelId }: { qrPath: string; channelId: string }) {
  const { t } = useI18n();
  const qr = useQr(qrPath, channelId);
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">{t("integrations.scanQr")}</p>
      <ErrorAlert error={qr.error} />
      {qr.data && <img src={qr.data.qr} alt={t("integrations.qrAlt")} className="h-56 w-56 rounded-lg border border-slate-200" data-testid="whatsapp-qr" />}
    </div>
  );
}

export function ChannelCard({ platform, channel, companyId, available, canEdit }: {
  platform: string;
  channel: ChannelInfo | undefined;
  companyId: string;
  available: AvailableChannel;
  canEdit: boolean;
}) {
  const { t } = useI18n();
  const disconnect = useDisconnect();
  const connected = channel && channel.status !== "DISCONNECTED";
  return (
    <Card testId={`channel-${platform}`}>
      <div className="flex items-start justify-between gap-3">
        <div className="flex items-center gap-3">
          <ChannelIcon platform={platform} />
          <div>
            <div className="font-semibold text-slate-900">{t(`channel.${platform}` as MessageKey)}</div>
            {channel?.display_name && <div className="text-sm text-slate-600">{channel.display_name}</div>}
          </div>
        </div>
        <StatusBadge status={channel?.status ?? "DISCONNECTED"} />
      </div>
      {channel?.last_error && (
        <div className="mt-3">
          <Alert kind="warning">
            {t("integrations.lastError", { n: channel.error_count })} {channel.last_error}
          </Alert>
        </div>
      )}
      {connected && platform !== "web" && <EngineSwitch channel={channel} canEdit={canEdit} />}
      <div className="mt-4">
        {connected && canEdit && platform !== "web" && (
          <Button variant="danger" onClick={() => disconnect.mutate(channel.channel_id)} disabled={disconnect.isPending}>
            {t("integrations.disconnect")}
          </Button>
        )}
        {!connected && canEdit && available.connect && available.configured && (
          available.connect.kind === "email" ? (
            <EmailConnect companyId={companyId} />
          ) : available.connect.kind === "oauth" ? (
            <MetaConnect companyId={companyId} platform={platform as "facebook" | "instagram"} />
          ) : (
            <ConnectPanel platform={platform} companyId={companyId} form={available.connect} />
          )
        )}
        {channel?.status === "ERROR" && canEdit && available.connect?.kind === "oauth" && (
          <MetaConnect companyId={companyId} platform={platform as "facebook" | "instagram"} again />
        )}
        {channel?.status === "CONNECTING" && available.connect?.qr_path && (
          <QrPanel qrPath={available.connect.qr_path} channelId={channel.channel_id} />
        )}
        {!connected && available.connectable && !available.configured && (
          <p className="text-sm text-slate-500">{t("integrations.notConfigured")}</p>
        )}
        {!connected && !available.connectable && <p className="text-sm text-slate-500">{t("integrations.comingSoon")}</p>}
        <ErrorAlert error={disconnect.error} />
      </div>
    </Card>
  );
}

/** Channels the company has not chosen yet, offered only when this server can connect them and the plan has room
 * (the wizard's rules: components/company/ChannelPicker.tsx). */
function AddChannel({ company, available, full }: { company: Company; available: AvailableChannel[]; full: boolean }) {
  const { t } = useI18n();
  const update = useUpdateCompany(company.id);
  const queryClient = useQueryClient();
  const unchosen = available.filter((c) => !c.chosen && c.connectable && c.configured);
  if (unchosen.length === 0) return null;
  return (
    <Card testId="add-channel">
      <h2 className="text-base font-semibold">{t("integrations.addChannel")}</h2>
      <p className="mt-1 text-sm text-slate-600">{full ? t("wizard.channel.planFull") : t("integrations.addChannelHint")}</p>
      {!full && <div className="mt-3 flex flex-wrap gap-2">
        {unchosen.map((c) => (
          <Button
            key={c.platform}
            variant="secondary"
            disabled={update.isPending}
            onClick={() =>
              update.mutate(
                { channels: [...company.channels, c.platform] as SelectableChannel[] },
                { onSuccess: () => void queryClient.invalidateQueries({ queryKey: integrationKeys.all }) },
              )
            }
          >
            <ChannelIcon platform={c.platform} decorative />
            {t(`channel.${c.platform}` as MessageKey)}
          </Button>
        ))}
      </div>}
      <div className="mt-3">
        <ErrorAlert error={update.error} />
      </div>
    </Card>
  );
}

export function IntegrationsPage() {
  const { t } = useI18n();
  const { companies, company, isPending, error } = useSelectedCompany();
  const available = useAvailableChannels(company?.id);
  const channels = useChannels(company?.id);
  const { can } = usePermissions();
  const canEdit = can("company.edit"); // connect and disconnect (the server says 402 when the plan has ended)
  const chosen = available.data?.items.filter((c) => c.chosen) ?? [];
  const byPlatform = new Map((channels.data?.items ?? []).map((c) => [c.platform, c]));

  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t("integrations.title")}</h1>
          <p className="text-sm text-slate-600">{t("integrations.subtitle")}</p>
        </div>
        <CompanyPicker companies={companies} value={company?.id} />
      </div>
      {isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={error ?? available.error ?? channels.error} />
      {!isPending && !company && <NoCompanies />}
      {company && available.data && (
        <>
          <p className="text-sm text-slate-600" data-testid="plan-usage">
            {available.data.limit === null
              ? t("integrations.unlimited", { used: available.data.in_use })
              : t("integrations.usage", { used: available.data.in_use, limit: available.data.limit })}{" "}
            {canEdit && (
              <Link className="text-brand-700 hover:underline" to={`/companies/${company.id}/edit`}>
                {t("integrations.chooseChannels")}
              </Link>
            )}
          </p>
          {chosen.length === 0 && <Card>{t("integrations.noneChosen")}</Card>}
          {can("channel.choose") && (
            <AddChannel
              company={company}
              available={available.data.items}
              full={available.data.limit !== null && available.data.in_use >= available.data.limit}
            />
          )}
          <div className="grid gap-4 md:grid-cols-2">
            {chosen.map((c) =>
              c.platform === "tiktok" ? (
                <TikTokCard key={c.platform} companyId={company.id} channel={byPlatform.get(c.platform)} channels={channels.data?.items ?? []} canEdit={canEdit} />
              ) : (
                <ChannelCard
                  key={c.platform}
                  platform={c.platform}
                  channel={byPlatform.get(c.platform)}
                  companyId={company.id}
                  available={c}
                  canEdit={canEdit}
                />
              ),
            )}
          </div>
          <PlaygroundCard companyId={company.id} />
        </>
      )}
    </div>
  );
}

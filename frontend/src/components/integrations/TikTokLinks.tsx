import { useState, type FormEvent } from "react";

import { Button, ErrorAlert, Spinner, TextField, fieldError } from "../ui";
import { useI18n } from "../../i18n";
import { TikTokLinkRow } from "./TikTokLinkRow";
import { useCreateTikTokLink, useTikTokLinks } from "./TikTokQueries";

/** The TikTok channel's tracking links: a form for a new one, and every link with its numbers. */
export function TikTokLinks({ channelId, canEdit }: { channelId: string; canEdit: boolean }) {
  const { t } = useI18n();
  const links = useTikTokLinks(channelId);
  const create = useCreateTikTokLink();
  const [name, setName] = useState("");
  const [campaign, setCampaign] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { channel_id: channelId, name: name.trim(), campaign: campaign.trim() || null },
      {
        onSuccess: () => {
          setName("");
          setCampaign("");
        },
      },
    );
  }

  return (
    <div className="space-y-4">
      {canEdit && (
        <form onSubmit={submit} className="space-y-3 rounded-lg border border-slate-200 p-3" data-testid="tiktok-new-link">
          <p className="text-sm font-medium text-slate-800">{t("tiktok.new.title")}</p>
          <TextField
            label={t("tiktok.new.name")}
            hint={t("tiktok.new.nameHint")}
            value={name}
            maxLength={120}
            onChange={(e) => setName(e.target.value)}
            error={fieldError(create.error, "name")}
          />
          <TextField
            label={t("tiktok.new.campaign")}
            hint={t("tiktok.new.campaignHint")}
            value={campaign}
            maxLength={200}
            onChange={(e) => setCampaign(e.target.value)}
            error={fieldError(create.error, "campaign")}
          />
          <ErrorAlert error={create.error} />
          <Button type="submit" disabled={create.isPending || !name.trim()}>
            {create.isPending ? t("tiktok.new.creating") : t("tiktok.new.create")}
          </Button>
        </form>
      )}
      {links.isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={links.error} />
      {links.data && links.data.items.length === 0 && <p className="text-sm text-slate-500">{t("tiktok.links.none")}</p>}
      {links.data && links.data.items.length > 0 && (
        <ul className="divide-y divide-slate-200" aria-label={t("tiktok.links.title")}>
          {links.data.items.map((link) => (
            <TikTokLinkRow key={link.id} link={link} canEdit={canEdit} />
          ))}
        </ul>
      )}
    </div>
  );
}

import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { usePermissions } from "../../lib/usePermissions";
import type { SelectableChannel } from "../../queries/companies";
import { useAvailableChannels, type AvailableChannel } from "../../queries/integrations";
import { ChannelIcon } from "../ChannelIcon";
import { Alert, ErrorAlert, Spinner } from "../ui";

type Translate = ReturnType<typeof useI18n>["t"];

/** Why a channel cannot be ticked now, or null when it can. Channels already chosen can always be unticked. */
function blocked(
  t: Translate,
  item: AvailableChannel,
  checked: boolean,
  room: number | null,
  planReason: MessageKey | null,
): string | null {
  if (checked) return null;
  if (planReason) return t(planReason);
  if (!item.connectable) return t("wizard.channel.notBuilt");
  if (!item.configured) return t("wizard.channel.notConfigured", { channel: t(`channel.${item.platform}` as MessageKey) });
  if (room !== null && room <= 0) return t("wizard.channel.planFull");
  return null;
}

/** The company's channels, offered as this installation and the business's plan allow: a channel the server cannot
 * connect (not built yet, or its provider not configured) or one over the plan's limit cannot be ticked, and says
 * why. `companyId` is the company being edited (its own channels do not count against the others'). */
export function ChannelPicker({
  value,
  onChange,
  companyId,
  initial = [],
}: {
  value: SelectableChannel[];
  onChange: (v: SelectableChannel[]) => void;
  companyId?: string;
  initial?: SelectableChannel[];
}) {
  const { t } = useI18n();
  const { check } = usePermissions();
  const available = useAvailableChannels(companyId);
  if (available.isPending) return <Spinner label={t("common.loading")} />;
  if (available.error) return <ErrorAlert error={available.error} />;
  const { items, limit, in_use } = available.data;
  const others = in_use - initial.length; // chosen by the business's other companies
  const room = limit === null ? null : limit - others - value.length;
  const choose = check("channel.choose");
  const planReason = choose.ok ? null : choose.reason;
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm text-slate-600">
        {limit === null
          ? t("companyForm.channelsUnlimited")
          : t("wizard.channel.limit", { limit, used: Math.max(others, 0) + value.length })}
      </legend>
      {planReason && <Alert kind="warning">{t(planReason)}</Alert>}
      <div className="grid gap-2 sm:grid-cols-2">
        {items.map((item) => {
          const platform = item.platform as SelectableChannel;
          const checked = value.includes(platform);
          const reason = blocked(t, item, checked, room, planReason);
          const reasonId = `channel-reason-${platform}`;
          return (
            <label
              key={platform}
              className={`flex items-start gap-3 rounded-lg border p-3 ${
                checked ? "border-brand-500 bg-brand-50" : reason ? "border-slate-200 bg-slate-50 text-slate-500" : "cursor-pointer border-slate-200"
              }`}
            >
              <input
                type="checkbox"
                className="mt-1.5"
                checked={checked}
                disabled={reason !== null}
                aria-describedby={reason ? reasonId : undefined}
                onChange={() => onChange(checked ? value.filter((x) => x !== platform) : [...value, platform])}
              />
              <ChannelIcon platform={platform} decorative />
              <span className="min-w-0">
                <span className="block text-sm font-medium text-slate-900">{t(`channel.${platform}` as MessageKey)}</span>
                {reason && (
                  <span id={reasonId} className="block text-xs text-slate-500">
                    {reason}
                  </span>
                )}
              </span>
            </label>
          );
        })}
      </div>
      <p className="text-xs text-slate-500">{t("wizard.channel.playgroundNote")}</p>
    </fieldset>
  );
}

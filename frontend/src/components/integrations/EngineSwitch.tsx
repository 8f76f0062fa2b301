import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { useI18n } from "../../i18n";
import { integrationKeys, type ChannelInfo } from "../../queries/integrations";
import { ErrorAlert } from "../ui";

type Engine = "native" | "n8n";
const ENGINES: readonly Engine[] = ["native", "n8n"];

function useSetEngine(channelId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (engine: Engine) =>
      unwrap(
        api.PATCH("/api/v1/integrations/channels/{channel_id}", {
          params: { path: { channel_id: channelId } },
          body: { engine },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: integrationKeys.all }),
  });
}

/** Who answers a connected channel's customers (R-N4): the built-in assistant or the company's n8n workflow. The
 * server refuses n8n while the workflow is not set up in n8n, and says why. */
export function EngineSwitch({ channel, canEdit }: { channel: ChannelInfo; canEdit: boolean }) {
  const { t } = useI18n();
  const setEngine = useSetEngine(channel.channel_id);
  const current: Engine = channel.engine === "n8n" ? "n8n" : "native";
  return (
    <fieldset className="mt-4 space-y-2" data-testid="engine-switch">
      <legend className="text-sm font-medium text-slate-700">{t("activity.engine.label")}</legend>
      <div className="inline-flex rounded-lg border border-slate-300 p-0.5" role="radiogroup">
        {ENGINES.map((engine) => (
          <button
            key={engine}
            type="button"
            role="radio"
            aria-checked={current === engine}
            disabled={!canEdit || setEngine.isPending}
            onClick={() => current !== engine && setEngine.mutate(engine)}
            className={`rounded-md px-3 py-1 text-sm ${
              current === engine ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"
            } disabled:cursor-not-allowed`}
          >
            {t(`activity.engine.${engine}`)}
          </button>
        ))}
      </div>
      {setEngine.isPending && <p className="text-xs text-slate-500">{t("activity.engine.saving")}</p>}
      <p className="text-xs text-slate-500">{t("activity.engine.hint")}</p>
      <ErrorAlert error={setEngine.error} />
    </fieldset>
  );
}

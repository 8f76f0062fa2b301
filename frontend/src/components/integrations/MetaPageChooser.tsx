import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { useI18n } from "../../i18n";
import { integrationKeys } from "../../queries/integrations";
import { Button, ErrorAlert, Spinner } from "../ui";

type Platform = "facebook" | "instagram";

/** The Pages of the last Facebook login, when it found several: the business picks the one to connect. */
export function MetaPageChooser({ companyId, platform }: { companyId: string; platform: Platform }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const pages = useQuery({
    queryKey: ["meta-pages", companyId],
    queryFn: () => unwrap(api.GET("/api/v1/integrations/meta/pages", { params: { query: { company_id: companyId } } })),
    retry: false,
  });
  const connect = useMutation({
    mutationFn: (pageId: string) =>
      unwrap(
        api.POST("/api/v1/integrations/meta/connect", { body: { company_id: companyId, page_id: pageId, platform } }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: integrationKeys.all });
      void queryClient.removeQueries({ queryKey: ["meta-pages", companyId] });
    },
  });
  if (pages.isPending) return <Spinner label={t("common.loading")} />;
  if (pages.isError) return <p className="text-sm text-slate-600">{t("meta.choose.expired")}</p>;
  const choices = pages.data.pages.filter((p) => platform !== "instagram" || p.instagram_id);
  return (
    <div className="space-y-3" data-testid="meta-page-chooser">
      <div>
        <h3 className="text-sm font-semibold text-slate-900">{t("meta.choose.title")}</h3>
        <p className="text-sm text-slate-600">{t("meta.choose.hint")}</p>
      </div>
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200">
        {choices.map((page) => (
          <li key={page.id} className="flex items-center justify-between gap-3 px-3 py-2">
            <div>
              <div className="text-sm font-medium text-slate-900">{page.name}</div>
              {page.instagram_id && <div className="text-xs text-slate-500">{t("meta.choose.instagram")}</div>}
            </div>
            <Button
              type="button"
              variant="secondary"
              onClick={() => connect.mutate(page.id)}
              disabled={connect.isPending}
            >
              {t("meta.choose.connect")}
            </Button>
          </li>
        ))}
      </ul>
      <ErrorAlert error={connect.error} />
    </div>
  );
}

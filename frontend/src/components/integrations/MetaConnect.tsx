import { useMutation } from "@tanstack/react-query";
import { useSearchParams } from "react-router-dom";

import { api, unwrap } from "../../api/client";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { Alert, Button, ErrorAlert } from "../ui";
import { MetaPageChooser } from "./MetaPageChooser";

type Platform = "facebook" | "instagram";
const FAILURES = ["denied", "failed", "no_pages"] as const;

/** Facebook's and Instagram's step: ask the API for Meta's login dialog and go there. Meta sends the browser back to
 * the API, which connects the one Page (or keeps several to choose from) and returns here with
 * `?meta=<outcome>&platform=<platform>`. */
export function MetaConnect({ companyId, platform, again = false }: { companyId: string; platform: Platform; again?: boolean }) {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const ours = params.get("platform") === platform;
  const outcome = ours ? params.get("meta") : null;
  const failure = FAILURES.find((f) => f === outcome);
  const start = useMutation({
    mutationFn: () =>
      unwrap(api.GET("/api/v1/integrations/meta/login", { params: { query: { company_id: companyId, platform } } })),
    onSuccess: ({ url }) => window.location.assign(url),
  });
  const failureWords =
    failure === "no_pages" ? t(`meta.outcome.no_pages.${platform}` as MessageKey) : failure && t(`meta.outcome.${failure}` as MessageKey);
  return (
    <div className="space-y-3" data-testid={`meta-connect-${platform}`}>
      <p className="text-sm text-slate-600">{again ? t("meta.tokenExpired") : t(`meta.intro.${platform}` as MessageKey)}</p>
      {failureWords && <Alert kind="warning">{failureWords}</Alert>}
      {outcome === "choose" && <MetaPageChooser companyId={companyId} platform={platform} />}
      <ErrorAlert error={start.error} />
      <Button type="button" onClick={() => start.mutate()} disabled={start.isPending || start.isSuccess}>
        {start.isPending || start.isSuccess ? t("meta.opening") : t(`meta.login.${platform}` as MessageKey)}
      </Button>
      <p className="text-xs text-slate-500">{t("meta.window")}</p>
    </div>
  );
}

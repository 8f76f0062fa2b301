import { useMutation } from "@tanstack/react-query";
import { useSearchParams } from "react-router-dom";

import { api, unwrap } from "../../api/client";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { Alert, Button, ErrorAlert } from "../ui";

const OUTCOMES = ["denied", "failed", "refused"] as const;

/** Gmail's step: ask the API for Google's consent URL and go there; Google sends the browser back to the API, which
 * connects the channel and returns here with `?gmail=<outcome>` (a failure is shown; success shows as the status). */
export function GmailConnect({ companyId }: { companyId: string }) {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const outcome = OUTCOMES.find((o) => o === params.get("gmail"));
  const start = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/integrations/gmail/auth", { body: { company_id: companyId } })),
    onSuccess: ({ url }) => window.location.assign(url),
  });
  return (
    <div className="space-y-3" data-testid="gmail-connect">
      <div>
        <h3 className="text-sm font-semibold text-slate-900">{t("email.gmail.title")}</h3>
        <p className="text-sm text-slate-600">{t("email.gmail.hint")}</p>
      </div>
      {outcome && <Alert kind="warning">{t(`email.gmail.${outcome}` as MessageKey)}</Alert>}
      <ErrorAlert error={start.error} />
      <Button type="button" onClick={() => start.mutate()} disabled={start.isPending || start.isSuccess}>
        {start.isPending || start.isSuccess ? t("email.gmail.opening") : t("email.gmail.connect")}
      </Button>
    </div>
  );
}

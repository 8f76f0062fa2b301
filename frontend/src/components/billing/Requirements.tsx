import { useI18n } from "../../i18n";
import { plainRequirements } from "./requirements";

/** What Stripe still asks the business for, in plain words (Stripe's own field names kept as a tooltip). */
export function Requirements({ requirements }: { requirements: readonly string[] }) {
  const { t } = useI18n();
  const phrases = plainRequirements(requirements);
  if (phrases.length === 0) return null;
  return (
    <div className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="connect-requirements">
      <p className="font-medium">{t("payments.connect.requirementsTitle")}</p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5" title={requirements.join(", ")}>
        {phrases.map((key) => (
          <li key={key}>{t(key)}</li>
        ))}
      </ul>
    </div>
  );
}

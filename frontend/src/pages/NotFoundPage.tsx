import { Link } from "react-router-dom";

import { useI18n } from "../i18n";

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <div className="grid min-h-[60vh] place-items-center text-center">
      <div className="space-y-3">
        <h1 className="text-2xl font-bold">{t("notFound.title")}</h1>
        <Link to="/" className="text-brand-700 hover:underline">{t("notFound.back")}</Link>
      </div>
    </div>
  );
}

import { useI18n } from "../i18n";
import { useProviders } from "../queries/auth";

export function OAuthButtons() {
  const { t } = useI18n();
  const providers = useProviders();
  const items = providers.data?.items ?? [
    { name: "google", label: "Google", configured: false, login_url: "/api/v1/oauth/google/login" },
    { name: "facebook", label: "Facebook", configured: false, login_url: "/api/v1/oauth/facebook/login" },
  ];
  return (
    <div className="grid gap-2 sm:grid-cols-2">
      {items.map((p) => {
        const text = p.name === "google" ? t("auth.withGoogle") : t("auth.withFacebook");
        const base = "flex items-center justify-center gap-2 rounded-lg border px-3 py-2.5 text-sm font-medium";
        return p.configured ? (
          <a key={p.name} href={p.login_url} className={`${base} border-slate-300 bg-white hover:bg-slate-50`}>
            {text}
          </a>
        ) : (
          <span
            key={p.name}
            aria-disabled="true"
            title={t("auth.providerOff", { provider: p.label })}
            className={`${base} cursor-not-allowed border-slate-200 bg-slate-50 text-slate-400`}
          >
            {text}
          </span>
        );
      })}
    </div>
  );
}

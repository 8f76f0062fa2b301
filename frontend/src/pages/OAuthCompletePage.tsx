import { useEffect } from "react";
import { useNavigate } from "react-router-dom";

import { AuthLayout } from "../components/AuthLayout";
import { Spinner } from "../components/ui";
import { useI18n } from "../i18n";
import { useSignIn } from "../queries/auth";

/** The OAuth callback hands tokens over in the URL fragment, which never reaches a server log. */
export function OAuthCompletePage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const signIn = useSignIn();
  useEffect(() => {
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    const access = fragment.get("access_token");
    const refresh = fragment.get("refresh_token");
    window.history.replaceState(null, "", window.location.pathname);
    if (access && refresh) {
      signIn({ access_token: access, refresh_token: refresh, token_type: "bearer", expires_in: 1800 });
      navigate("/", { replace: true });
    } else {
      navigate(`/login?oauth_error=${encodeURIComponent(t("oauth.failed"))}`, { replace: true });
    }
  }, [navigate, signIn, t]);
  return (
    <AuthLayout title={t("oauth.completing")}>
      <Spinner label={t("oauth.completing")} />
    </AuthLayout>
  );
}

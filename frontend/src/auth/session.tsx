import { useEffect, useState, type ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";

import { Spinner } from "../components/ui";
import { useI18n } from "../i18n";
import { useMe } from "../queries/auth";
import { getTokens, onTokensChange } from "./tokens";

/** Whether this browser holds a session; follows sign-in and sign-out in any part of the app. */
export function useHasSession(): boolean {
  const [has, setHas] = useState(() => getTokens() !== null);
  useEffect(() => onTokensChange((tokens) => setHas(tokens !== null)), []);
  return has;
}

export function RequireAuth({ children }: { children: ReactNode }) {
  const hasSession = useHasSession();
  const me = useMe(hasSession);
  const location = useLocation();
  const { t, language, setLanguage } = useI18n();
  const profileLanguage = me.data?.language;
  useEffect(() => {
    // Signed in, the profile's language wins, so the choice follows the person across devices.
    if ((profileLanguage === "en" || profileLanguage === "ru") && profileLanguage !== language) setLanguage(profileLanguage);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [profileLanguage]);
  if (!hasSession || me.isError) {
    return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  }
  if (!me.data) {
    return (
      <div className="grid min-h-screen place-items-center">
        <Spinner label={t("common.loading")} />
      </div>
    );
  }
  return <>{children}</>;
}

/** Pages for signed-out visitors send a signed-in person to the dashboard. */
export function GuestOnly({ children }: { children: ReactNode }) {
  const hasSession = useHasSession();
  return hasSession ? <Navigate to="/" replace /> : <>{children}</>;
}

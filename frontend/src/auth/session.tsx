import { useEffect, useState, type ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";

import { Spinner } from "../components/ui";
import { useI18n } from "../i18n";
import { useMe } from "../queries/auth";
import { getTokens, onTokensChange, setTokens } from "./tokens";

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
  const signedOut = me.isError && (me.error.status === 401 || me.error.status === 403);
  useEffect(() => {
    // The session is over (expired, revoked elsewhere, or tokens that were never valid) and the one refresh the
    // API client tried did not help: forget the tokens, so the sign-in page does not send us straight back.
    if (signedOut) setTokens(null);
  }, [signedOut]);
  if (!hasSession || signedOut) {
    return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  }
  if (me.isError) {
    return (
      <div className="grid min-h-screen place-items-center p-6 text-center">
        <div className="space-y-3">
          <p role="alert">{me.error.message}</p>
          <button type="button" className="rounded-lg border px-4 py-2" onClick={() => void me.refetch()}>
            {t("common.retry")}
          </button>
        </div>
      </div>
    );
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

import { useEffect } from "react";
import { matchPath, useLocation } from "react-router-dom";

import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/en";

/** Every route of main.tsx and its tab title; a path that matches none is the not-found page. */
const TITLES: readonly (readonly [pattern: string, key: MessageKey])[] = [
  ["/", "polish.title.dashboard"],
  ["/companies/new", "polish.title.newCompany"],
  ["/companies/:id/edit", "polish.title.editCompany"],
  ["/knowledge-base", "polish.title.knowledgeBase"],
  ["/conversations", "polish.title.conversations"],
  ["/purchases", "payments.title.purchases"],
  ["/metrics", "metrics.title"],
  ["/calendar", "calendar.pageTitle"],
  ["/playground", "polish.title.playground"],
  ["/integrations", "polish.title.integrations"],
  ["/activity", "activity.title"],
  ["/billing", "payments.title.billing"],
  ["/support", "support.title"],
  ["/vault", "vault.title"],
  ["/admin", "admin.title"],
  ["/manager", "admin.manager.title"],
  ["/profile", "polish.title.profile"],
  ["/login", "polish.title.signIn"],
  ["/register", "polish.title.register"],
  ["/reset-password", "polish.title.resetPassword"],
  ["/magic-link", "polish.title.magicLink"],
  ["/oauth/complete", "polish.title.oauth"],
  ["/account-deletion/:jobId", "deletion.pageTitle"],
];

function titleKeyFor(pathname: string): MessageKey {
  const found = TITLES.find(([pattern]) => matchPath(pattern, pathname));
  return found ? found[1] : "polish.title.notFound";
}

/** Names the browser tab after the page, in the UI language: "<Page> · X8 Network". Renders nothing. */
export function RouteTitle() {
  const { pathname } = useLocation();
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t(titleKeyFor(pathname))} · ${t("app.name")}`;
  }, [pathname, t]);
  return null;
}

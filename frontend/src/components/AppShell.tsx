import { useState, type ReactNode } from "react";
import { NavLink, useNavigate } from "react-router-dom";

import { useI18n } from "../i18n";
import type { Action } from "../lib/permissions";
import { usePermissions } from "../lib/usePermissions";
import type { MessageKey } from "../i18n/en";
import { useLogout, useMe, useUpdateProfile } from "../queries/auth";
import { PlanBanner } from "./billing/PlanBanner";
import { LanguageSwitch } from "./LanguageSwitch";
import { Logo } from "./Logo";
import { SupportLive, SupportUnreadBadge } from "./support/SupportLive";

interface NavItem {
  to: string;
  label: MessageKey;
  icon: string;
  end?: boolean;
  action?: Action; // shown only to those who may do it (lib/permissions.ts)
  drawerOnly?: boolean; // on phones, in the menu drawer but not in the bottom bar (which fits five)
}

const NAV: NavItem[] = [
  { to: "/", label: "nav.dashboard", icon: "M3 12l9-9 9 9M5 10v10h14V10", end: true },
  { to: "/companies/new", label: "nav.newCompany", icon: "M12 5v14M5 12h14", action: "company.create", drawerOnly: true },
  { to: "/conversations", label: "nav.conversations", icon: "M21 12a8 8 0 01-11.6 7.1L4 20l1-4.6A8 8 0 1121 12z" },
  { to: "/purchases", label: "payments.nav.purchases", icon: "M6 7h12l-1 13H7zM9 7a3 3 0 016 0", drawerOnly: true },
  { to: "/metrics", label: "metrics.nav", icon: "M4 20V10m6 10V4m6 16v-7m4 7H2", drawerOnly: true },
  { to: "/calendar", label: "calendar.nav", icon: "M4 6h16v14H4zM4 10h16M8 3v4m8-4v4", drawerOnly: true },
  { to: "/knowledge-base", label: "nav.knowledgeBase", icon: "M4 5a2 2 0 012-2h12v16H6a2 2 0 00-2 2zM4 5v16M8 7h6" },
  { to: "/playground", label: "nav.playground", icon: "M8 10h8M8 14h5M5 4h14a2 2 0 012 2v9a2 2 0 01-2 2h-6l-5 4v-4H5a2 2 0 01-2-2V6a2 2 0 012-2z", action: "playground.use", drawerOnly: true },
  { to: "/integrations", label: "nav.integrations", icon: "M9 7V3m6 4V3M7 7h10v4a5 5 0 01-10 0zM12 16v5" },
  { to: "/activity", label: "activity.nav", icon: "M3 12h4l3-8 4 16 3-8h4", drawerOnly: true },
  { to: "/support", label: "support.nav", icon: "M12 21a9 9 0 100-18 9 9 0 000 18zM9.1 9a3 3 0 015.8 1c0 2-3 2-3 4M12 17h.01", drawerOnly: true },
  { to: "/vault", label: "vault.nav", icon: "M6 10V7a6 6 0 0112 0v3M5 10h14v11H5zM12 14v3", drawerOnly: true },
  { to: "/billing", label: "payments.nav.billing", icon: "M3 6h18v12H3zM3 10h18M7 15h3", action: "billing.view", drawerOnly: true },
  { to: "/manager", label: "admin.manager.nav", icon: "M16 11a4 4 0 10-8 0 4 4 0 008 0zM4 21a8 8 0 0116 0", action: "manager.view", drawerOnly: true },
  { to: "/admin", label: "admin.nav", icon: "M12 3l8 4v5c0 5-3.5 8-8 9-4.5-1-8-4-8-9V7z", action: "admin.view", drawerOnly: true },
  { to: "/profile", label: "nav.profile", icon: "M12 12a4 4 0 100-8 4 4 0 000 8zm-7 9a7 7 0 0114 0" },
];

function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={d} />
    </svg>
  );
}

/** Navigation for what the signed-in person may do. */
function useNav(): NavItem[] {
  const { can } = usePermissions();
  return NAV.filter((item) => !item.action || can(item.action));
}

function NavLinks({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useI18n();
  const nav = useNav();
  return (
    <nav className="space-y-1" aria-label="Main">
      {nav.map((item) => (
        <NavLink
          key={item.to}
          to={item.to}
          end={item.end}
          onClick={onNavigate}
          className={({ isActive }) =>
            `flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium ${isActive ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100"}`
          }
        >
          <Icon d={item.icon} />
          {t(item.label)}
          {item.to === "/support" && <SupportUnreadBadge />}
        </NavLink>
      ))}
    </nav>
  );
}

function Account({ compact = false }: { compact?: boolean }) {
  const { t } = useI18n();
  const me = useMe(true);
  const logout = useLogout();
  const updateProfile = useUpdateProfile();
  const navigate = useNavigate();
  return (
    <div className="space-y-3">
      {!compact && me.data && (
        <div className="text-sm">
          <div className="font-medium text-slate-900">{me.data.full_name || me.data.email}</div>
          <div className="truncate text-slate-500">{me.data.email}</div>
        </div>
      )}
      <div className="flex items-center justify-between gap-2">
        <LanguageSwitch onChange={(language) => updateProfile.mutate({ language })} />
        <button
          type="button"
          onClick={() => logout.mutate(undefined, { onSettled: () => navigate("/login") })}
          className="rounded-lg px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100"
        >
          {t("nav.signOut")}
        </button>
      </div>
    </div>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const nav = useNav();
  const bottomNav = nav.filter((item) => !item.drawerOnly);
  const [drawer, setDrawer] = useState(false);
  return (
    <div className="min-h-screen md:flex">
      <aside className="hidden w-64 shrink-0 flex-col justify-between border-r border-slate-200 bg-white p-4 md:flex" data-testid="sidebar">
        <div className="space-y-6">
          <Logo />
          <NavLinks />
        </div>
        <Account />
      </aside>

      <header className="sticky top-0 z-20 flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3 md:hidden">
        <Logo />
        <button type="button" aria-label={t("nav.menu")} onClick={() => setDrawer(true)} className="rounded-lg p-2 hover:bg-slate-100">
          <Icon d="M4 6h16M4 12h16M4 18h16" />
        </button>
      </header>

      {drawer && (
        <div className="fixed inset-0 z-30 md:hidden" role="dialog" aria-modal="true" aria-label={t("nav.menu")}>
          <button type="button" aria-label={t("nav.close")} className="absolute inset-0 bg-slate-900/40" onClick={() => setDrawer(false)} />
          <div className="absolute inset-y-0 left-0 flex w-72 flex-col justify-between bg-white p-4 shadow-xl" data-testid="drawer">
            <div className="space-y-6">
              <Logo />
              <NavLinks onNavigate={() => setDrawer(false)} />
            </div>
            <Account />
          </div>
        </div>
      )}

      <main className="flex-1 px-4 pb-24 pt-6 md:px-8 md:pb-10">
        <SupportLive />
        <PlanBanner />
        {children}
      </main>

      <nav
        className="fixed inset-x-0 bottom-0 z-20 grid border-t border-slate-200 bg-white md:hidden"
        style={{ gridTemplateColumns: `repeat(${bottomNav.length}, minmax(0, 1fr))` }}
        aria-label="Bottom"
        data-testid="bottom-nav"
      >
        {bottomNav.map((item) => (
          <NavLink
            key={item.to}
            to={item.to}
            end={item.end}
            className={({ isActive }) => `flex flex-col items-center gap-0.5 py-2 text-xs ${isActive ? "text-brand-700" : "text-slate-600"}`}
          >
            <Icon d={item.icon} />
            {t(item.label)}
          </NavLink>
        ))}
      </nav>
    </div>
  );
}

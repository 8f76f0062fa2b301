import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Route, Routes } from "react-router-dom";

import { GuestOnly, RequireAuth } from "./auth/session";
import { AppShell } from "./components/AppShell";
import { RouteTitle } from "./components/RouteTitle";
import { I18nProvider } from "./i18n";
import "./index.css";
import { AdminPage } from "./pages/AdminPage";
import { BillingPage } from "./pages/BillingPage";
import { CalendarPage } from "./pages/CalendarPage";
import { EditCompanyPage, NewCompanyPage } from "./pages/CompanyFormPage";
import { ConversationsPage } from "./pages/ConversationsPage";
import { DashboardPage } from "./pages/DashboardPage";
import { IntegrationsPage } from "./pages/IntegrationsPage";
import { KnowledgeBasePage } from "./pages/KnowledgeBasePage";
import { LoginPage } from "./pages/LoginPage";
import { MagicLinkPage } from "./pages/MagicLinkPage";
import { ManagerPage } from "./pages/ManagerPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { OAuthCompletePage } from "./pages/OAuthCompletePage";
import { AccountDeletionPage } from "./pages/AccountDeletionPage";
import { PlaygroundPage } from "./pages/PlaygroundPage";
import { ProfilePage } from "./pages/ProfilePage";
import { MetricsPage } from "./pages/MetricsPage";
import { PurchasesPage } from "./pages/PurchasesPage";
import { ActivityPage } from "./pages/ActivityPage";
import { RegisterPage } from "./pages/RegisterPage";
import { ResetPasswordPage } from "./pages/ResetPasswordPage";
import { SupportPage } from "./pages/SupportPage";
import { VaultPage } from "./pages/VaultPage";

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
});

function App() {
  return (
    <Routes>
      <Route path="/login" element={<GuestOnly><LoginPage /></GuestOnly>} />
      <Route path="/register" element={<GuestOnly><RegisterPage /></GuestOnly>} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route path="/magic-link" element={<MagicLinkPage />} />
      <Route path="/oauth/complete" element={<OAuthCompletePage />} />
      <Route path="/account-deletion/:jobId" element={<AccountDeletionPage />} />
      <Route
        path="*"
        element={
          <RequireAuth>
            <AppShell>
              <Routes>
                <Route path="/" element={<DashboardPage />} />
                <Route path="/companies/new" element={<NewCompanyPage />} />
                <Route path="/companies/:id/edit" element={<EditCompanyPage />} />
                <Route path="/knowledge-base" element={<KnowledgeBasePage />} />
                <Route path="/conversations" element={<ConversationsPage />} />
                <Route path="/purchases" element={<PurchasesPage />} />
                <Route path="/activity" element={<ActivityPage />} />
                <Route path="/metrics" element={<MetricsPage />} />
                <Route path="/calendar" element={<CalendarPage />} />
                <Route path="/playground" element={<PlaygroundPage />} />
                <Route path="/integrations" element={<IntegrationsPage />} />
                <Route path="/billing" element={<BillingPage />} />
                <Route path="/support" element={<SupportPage />} />
                <Route path="/vault" element={<VaultPage />} />
                <Route path="/admin" element={<AdminPage />} />
                <Route path="/manager" element={<ManagerPage />} />
                <Route path="/profile" element={<ProfilePage />} />
                <Route path="*" element={<NotFoundPage />} />
              </Routes>
            </AppShell>
          </RequireAuth>
        }
      />
    </Routes>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <BrowserRouter>
          <RouteTitle />
          <App />
        </BrowserRouter>
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
);

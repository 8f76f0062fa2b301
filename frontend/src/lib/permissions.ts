/** What the signed-in person may do, in one place, so a page never offers an action the API would refuse.
 *
 * It mirrors the server's rules (x8/platform/companies/service.py, billing/plans.py, payments/endpoints.py):
 * businesses create and edit their companies; managers see their businesses' companies, knowledge bases,
 * conversations and purchases but change nothing; admins run the platform and may edit any company, but only a
 * business creates companies, and only a business has billing and a Stripe account to be paid into; a business
 * whose trial or subscription has ended keeps its data but adds no channels. The server stays the authority:
 * this only decides what is shown. */
import type { MessageKey } from "../i18n/en";
import type { Me } from "../queries/auth";

export type Action =
  | "company.create"
  | "company.edit"
  | "company.delete"
  | "kb.edit"
  | "media.manage"
  | "channel.connect"
  | "channel.choose"
  | "playground.use"
  | "assistant.edit"
  | "conversation.reply"
  | "conversation.pause"
  | "billing.view"
  | "payments.connect"
  | "calendar.edit"
  | "support.bookCall"
  | "support.publishHours"
  | "support.answerChats"
  | "admin.view"
  | "manager.view"
  | "vault.chooseClient";

export type Permission = { ok: true } | { ok: false; reason: MessageKey };

type Subject = Pick<Me, "role" | "plan" | "subscription_status" | "trial_ends_at">;

const OK: Permission = { ok: true };

/** Whether the business's trial or subscription lets channels run (the server's `can_operate`). */
export function canOperate(me: Subject, now: Date = new Date()): boolean {
  if (me.plan === "TRIAL" && me.trial_ends_at && new Date(me.trial_ends_at) <= now) return false;
  return ["trialing", "active", "past_due"].includes(me.subscription_status);
}

export function permission(me: Subject | undefined, action: Action): Permission {
  if (!me) return { ok: false, reason: "permissions.signedOut" };
  const role = me.role;
  // Support is where staff act too: a manager answers their businesses and offers call hours (x8/platform/support).
  switch (action) {
    case "support.bookCall": // with the business's own manager
      return role === "CLIENT" ? OK : { ok: false, reason: "support.onlyBusinessBooks" };
    case "support.publishHours":
      return role === "MANAGER" ? OK : { ok: false, reason: "support.onlyManagers" };
    case "support.answerChats":
      return role === "CLIENT" ? { ok: false, reason: "support.onlyStaff" } : OK;
    case "admin.view": // the platform's figures, every business, the Meta app pool
      return role === "ADMIN" ? OK : { ok: false, reason: "admin.onlyAdmin" };
    case "manager.view": // a manager's own businesses
      return role === "MANAGER" ? OK : { ok: false, reason: "admin.onlyManager" };
    case "vault.chooseClient": // a business sees its own secrets; staff choose whose (managers only theirs)
      return role === "CLIENT" ? { ok: false, reason: "vault.onlyStaffChoose" } : OK;
  }
  if (role === "MANAGER") return { ok: false, reason: "permissions.managerReadOnly" };
  switch (action) {
    case "company.create":
      return role === "CLIENT" ? OK : { ok: false, reason: "permissions.onlyBusinessCreates" };
    case "media.manage": // media live in the business's own folders; staff have none
      return role === "CLIENT" ? OK : { ok: false, reason: "permissions.onlyBusinessMedia" };
    case "billing.view": // the plan and the Stripe account are the business's own agreements
    case "payments.connect":
      return role === "CLIENT" ? OK : { ok: false, reason: "payments.onlyBusiness" };
    case "channel.choose":
    case "channel.connect":
      if (role === "CLIENT" && !canOperate(me)) return { ok: false, reason: "permissions.planEnded" };
      return OK;
    default:
      return OK;
  }
}

export function can(me: Subject | undefined, action: Action): boolean {
  return permission(me, action).ok;
}

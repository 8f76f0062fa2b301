/** What this browser remembers of a person's get-started checklist: hidden by them, or finished. Per user, so
 * another account signing in on the same browser gets its own checklist. */
export type OnboardingMemory = "dismissed" | "complete";

const key = (userId: string) => `x8.onboarding.${userId}`;

export function recallOnboarding(userId: string): OnboardingMemory | null {
  try {
    const value = localStorage.getItem(key(userId));
    return value === "dismissed" || value === "complete" ? value : null;
  } catch {
    return null; // storage refused (a private window's quota, a policy): show the checklist
  }
}

export function rememberOnboarding(userId: string, value: OnboardingMemory): void {
  try {
    localStorage.setItem(key(userId), value);
  } catch {
    // Not remembered: the checklist comes back next time, which is harmless.
  }
}

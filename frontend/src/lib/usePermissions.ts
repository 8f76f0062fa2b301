import { useCallback } from "react";

import { useMe } from "../queries/auth";
import { permission, type Action, type Permission } from "./permissions";

/** `can(action)` and `why(action)` for the signed-in person (pages sit under RequireAuth, so Me is loaded). */
export function usePermissions(): { can: (action: Action) => boolean; check: (action: Action) => Permission } {
  const me = useMe(true).data;
  const check = useCallback((action: Action) => permission(me, action), [me]);
  const can = useCallback((action: Action) => permission(me, action).ok, [me]);
  return { can, check };
}

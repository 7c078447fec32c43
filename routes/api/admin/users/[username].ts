/**
 * PATCH /api/admin/users/{username} `{role?, disabled?}` → 200 with the user: changes the
 * role, disables (their sessions end at once) or enables. 404 for no such user; 409 when
 * the change would leave no enabled admin (an admin cannot demote or disable themselves
 * as the last one). Admins only.
 */
import { audit } from "../../../../lib/audit/audit.ts";
import { isRole, setDisabled, setRole } from "../../../../lib/auth/users.ts";
import { userOperation, userView } from "../../../../lib/team/admin.ts";
import { BadRequestError, NotFoundError } from "../../../../lib/web/errors.ts";
import { json, readJsonObject, requireAdmin } from "../../../../lib/web/http.ts";
import type { AppState } from "../../../../lib/web/state.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async PATCH(req, ctx) {
    const admin = requireAdmin(ctx.state);
    const app = ctx.state.app;
    const body = await readJsonObject(req);
    const { role, disabled } = body;
    if (role !== undefined && !isRole(role)) {
      throw new BadRequestError('"role" must be "admin" or "supervisor"');
    }
    if (disabled !== undefined && typeof disabled !== "boolean") {
      throw new BadRequestError('"disabled" must be true or false');
    }
    if (role === undefined && disabled === undefined) {
      throw new BadRequestError('Send "role" or "disabled"');
    }
    const name = ctx.params.username;
    if (role !== undefined) {
      await userOperation(() => setRole(app.store, name, role));
      await audit(app, { kind: "user_role", user: admin, target: name, detail: role });
    }
    if (disabled !== undefined) {
      await userOperation(() => setDisabled(app.store, name, disabled));
      const kind = disabled ? "user_disable" : "user_enable";
      await audit(app, { kind, user: admin, target: name });
    }
    const user = await app.store.getUserByName(name);
    if (!user) throw new NotFoundError(`No user named "${name}"`, "no_such_user");
    return json(userView(user));
  },
};

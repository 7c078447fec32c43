/**
 * GET /api/admin/users → `{users: [{username, role, disabled, created_at, last_login_at}]}`.
 * POST `{username, password, role?}` → 201 with the user (`role` defaults to supervisor;
 * the password follows the sign-in rules: at least 12 characters). 400 for a bad name,
 * password or role; 409 when the name is taken. Admins only (a supervisor gets 403).
 */
import { audit } from "../../../../lib/audit/audit.ts";
import { addUser, isRole } from "../../../../lib/auth/users.ts";
import { userOperation, userView } from "../../../../lib/team/admin.ts";
import { BadRequestError } from "../../../../lib/web/errors.ts";
import { json, readJsonObject, requireAdmin, stringField } from "../../../../lib/web/http.ts";
import type { AppState } from "../../../../lib/web/state.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    requireAdmin(ctx.state);
    const users = await ctx.state.app.store.listUsers();
    return json({ users: users.map(userView) });
  },
  async POST(req, ctx) {
    const admin = requireAdmin(ctx.state);
    const app = ctx.state.app;
    const body = await readJsonObject(req);
    const username = stringField(body, "username", { required: true, max: 64 })!;
    const password = stringField(body, "password", { required: true, nonBlank: false })!;
    const role = body.role ?? "supervisor";
    if (!isRole(role)) throw new BadRequestError('"role" must be "admin" or "supervisor"');
    const user = await userOperation(() =>
      addUser(app.store, username, password, { role, iterations: app.passwordIterations })
    );
    await audit(app, { kind: "user_add", user: admin, target: user.username, detail: role });
    return json(userView(user), 201);
  },
};

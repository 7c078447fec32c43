/**
 * POST /api/admin/users/{username}/password `{password}` → 204: sets the password the
 * admin typed (the sign-in rules apply: at least 12 characters) and ends that user's
 * sessions. 400 for a weak password, 404 for no such user. Admins only.
 */
import { audit } from "../../../../../lib/audit/audit.ts";
import { changePassword } from "../../../../../lib/auth/users.ts";
import { userOperation } from "../../../../../lib/team/admin.ts";
import { readJsonObject, requireAdmin, stringField } from "../../../../../lib/web/http.ts";
import type { AppState } from "../../../../../lib/web/state.ts";
import type { Handlers } from "../../../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async POST(req, ctx) {
    const admin = requireAdmin(ctx.state);
    const app = ctx.state.app;
    const body = await readJsonObject(req);
    const password = stringField(body, "password", { required: true, nonBlank: false })!;
    const name = ctx.params.username;
    await userOperation(() =>
      changePassword(app.store, name, password, { iterations: app.passwordIterations })
    );
    await audit(app, { kind: "user_password_reset", user: admin, target: name });
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  },
};

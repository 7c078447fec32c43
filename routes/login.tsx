/**
 * The sign-in page. Signed-in users go straight to the app.
 */
import type { JSX } from "preact";
import { IconHeadset } from "../components/icons.tsx";
import LoginForm from "../islands/LoginForm.tsx";
import { safeNext } from "../lib/auth/redirect.ts";
import type { AppState } from "../lib/web/state.ts";
import type { Handlers, PageProps } from "../lib/web/types.ts";

interface LoginData {
  next: string | null;
}

/** GET: the form, or a redirect to the app when a session exists. */
export const handler: Handlers<LoginData, AppState> = {
  GET(_req, ctx) {
    const next = ctx.url.searchParams.get("next");
    if (ctx.state.user) {
      return new Response(null, {
        status: 303,
        headers: { Location: safeNext(next), "Cache-Control": "no-store" },
      });
    }
    return ctx.render({ next: next === null ? null : safeNext(next) });
  },
};

/** Renders the sign-in page. */
export default function LoginPage({ data }: PageProps<LoginData, AppState>): JSX.Element {
  return (
    <div class="login-page">
      <main class="login-card" aria-labelledby="login-title">
        <div class="login-brand">
          <span class="brand-mark brand-mark-large" aria-hidden="true">
            <IconHeadset />
          </span>
          <h1 id="login-title">Contact Center Assistant</h1>
          <p class="login-sub">Sign in to ask about your calls, agents and customers.</p>
        </div>
        <LoginForm next={data?.next ?? undefined} />
      </main>
      <p class="login-foot">Answers stream live · Tables, charts and Excel reports</p>
    </div>
  );
}

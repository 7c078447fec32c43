import type { MiddlewareContext } from "../../types.ts";
import { ForbiddenError } from "../../errors.ts";

/** Sets `state.who` and adds a header; `?deny` throws a typed error. */
export async function handler(req: Request, ctx: MiddlewareContext<{ who?: string }>) {
  if (ctx.url.searchParams.has("deny")) throw new ForbiddenError("Denied by middleware");
  ctx.state.who = req.headers.get("x-who") ?? "anonymous";
  const res = await ctx.next();
  res.headers.set("X-Middleware", ctx.destination);
  return res;
}

import { BadRequestError, NotFoundError } from "../../../../errors.ts";
import type { Handlers } from "../../../../types.ts";

/** Test API: GET echoes the id; "missing" → 404, "bad" → 400, "boom" → unexpected error. */
export const handler: Handlers = {
  GET(_req, ctx) {
    const id = ctx.params.id;
    if (id === "missing") throw new NotFoundError("Item not found");
    if (id === "bad") throw new BadRequestError("Item id is malformed");
    if (id === "boom") throw new Error("secret database password in stack");
    return Response.json({ id, who: ctx.state.who });
  },
  DELETE() {
    return new Response(null, { status: 204 });
  },
};

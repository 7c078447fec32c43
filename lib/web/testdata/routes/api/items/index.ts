import type { Handler } from "../../../../types.ts";

/** Test API: any method, answers the method. */
export const handler: Handler = (req) => Response.json({ method: req.method });

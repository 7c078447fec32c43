/**
 * What the alert routes share: reading a rule from a request body (400 with the
 * validation message) and finding the user's rule (404 otherwise, also for another
 * user's rule).
 */
import { BadRequestError, NotFoundError } from "../web/errors.ts";
import type { AppContext } from "../web/state.ts";
import { type AlertInput, AlertInputError, parseAlertInput } from "./input.ts";
import type { AlertRule } from "./types.ts";

/** Validates a rule body for `app` (allow-list, webhook policy); 400 on a problem. */
export function alertInputOrBadRequest(
  app: AppContext,
  body: unknown,
  opts: { partial: boolean; currentMetric?: string },
): AlertInput {
  try {
    return parseAlertInput(body, {
      allowedDomains: app.config.mail?.allowedDomains ?? [],
      allowPrivateWebhooks: app.config.alerts?.webhookAllowPrivate ?? false,
      ...opts,
    });
  } catch (e) {
    if (e instanceof AlertInputError) throw new BadRequestError(e.message, "invalid_alert");
    throw e;
  }
}

/** The user's rule `id`, or a 404. */
export async function ownAlert(app: AppContext, owner: string, id: string): Promise<AlertRule> {
  const rule = await app.store.getAlert(id, owner);
  if (!rule) throw new NotFoundError("Alert not found");
  return rule;
}

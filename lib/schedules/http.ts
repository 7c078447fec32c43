/**
 * What the schedule routes share: reading a schedule from a request body (400 with the
 * validation message) and finding the user's schedule (404 otherwise).
 */
import { BadRequestError, NotFoundError } from "../web/errors.ts";
import type { AppContext } from "../web/state.ts";
import { parseScheduleInput, type ScheduleInput, ScheduleInputError } from "./input.ts";
import type { ScheduleRecord } from "./types.ts";

/** Validates a schedule body for `app` (allow-list, business zone, clock); 400 on a problem. */
export function scheduleInputOrBadRequest(
  app: AppContext,
  body: unknown,
  partial: boolean,
): ScheduleInput {
  try {
    return parseScheduleInput(body, {
      allowedDomains: app.config.mail?.allowedDomains ?? [],
      tz: app.config.tz,
      now: app.clock(),
      partial,
    });
  } catch (e) {
    if (e instanceof ScheduleInputError) throw new BadRequestError(e.message, "invalid_schedule");
    throw e;
  }
}

/** The user's schedule `id`, or a 404 (also for another user's schedule). */
export async function ownSchedule(
  app: AppContext,
  owner: string,
  id: string,
): Promise<ScheduleRecord> {
  const s = await app.store.getSchedule(id, owner);
  if (!s) throw new NotFoundError("Schedule not found");
  return s;
}

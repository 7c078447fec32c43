/**
 * Schedules and alerts made or cancelled from the chat (the offline planner, through the
 * assembled app as `main.ts` wires it) are in the audit log like the pages' changes.
 */
import assert from "node:assert/strict";
import { HttpClient, lastEvent, serveApp } from "./security/helpers.ts";

Deno.test("security: auth: schedules and alerts changed from the chat are audited", async () => {
  const served = await serveApp();
  try {
    const c = await new HttpClient(served.url).login();
    const conv = await c.conversation();
    const asked = async (q: string) => {
      const turn = await c.ask(conv, q);
      const end = lastEvent(turn);
      assert.equal(end.type, "final", JSON.stringify(end));
      return end;
    };
    await asked("email me the agent performance report every monday at 9");
    await asked("alert me when more than 50 missed calls today");
    const [schedule] = await served.app.store.listSchedules(
      (await served.app.store.getUserByName("demo"))!.id,
    );
    assert.ok(schedule, "the schedule was created");
    await asked("cancel schedule 1");
    const entries = await served.app.store.listAudit({});
    const fromChat = entries.filter((e) => e.detail === "from the chat")
      .map((e) => [e.kind, e.username, e.target]);
    const alert = entries.find((e) => e.kind === "alert_create");
    assert.deepEqual(
      fromChat.sort(),
      [
        ["alert_create", "demo", alert?.target],
        ["schedule_create", "demo", schedule.id],
        ["schedule_delete", "demo", schedule.id],
      ].sort(),
    );
  } finally {
    await served.close();
  }
});

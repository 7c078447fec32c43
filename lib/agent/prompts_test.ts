import assert from "node:assert/strict";
import { dataAgentPrompt, supervisorPrompt, timeVars } from "./prompts.ts";
import { isoLocal } from "./values.ts";

Deno.test("timeVars reads the instant in the business zone, offset included", () => {
  const at = new Date("2026-11-24T20:30:00Z");
  assert.deepEqual(timeVars(at, "Asia/Kolkata"), {
    now: "Wednesday, 25 November 2026, 02:00",
    tz: "Asia/Kolkata (UTC+05:30)",
    today: "2026-11-25",
  });
  assert.equal(timeVars(at, "America/Sao_Paulo").tz, "America/Sao_Paulo (UTC-03:00)");
  assert.equal(
    isoLocal(new Date("2026-07-01T12:00:00Z"), "Europe/London"),
    "2026-07-01T13:00:00+01:00",
  );
});

Deno.test("the prompts carry the date, the zone, the catalog and the data notice", async () => {
  const now = new Date("2026-11-24T09:00:00Z");
  const sup = await supervisorPrompt(now, "Asia/Kolkata");
  assert.match(sup, /Tuesday, 24 November 2026, 14:30/);
  assert.match(sup, /data_notice/);
  assert.doesNotMatch(sup, /\{\{/);
  const data = await dataAgentPrompt({
    now,
    tz: "Europe/Berlin",
    database: "ccs_test",
    catalog: [{
      name: "call_count",
      title: "Calls",
      description: "Counts calls.",
      parameters: {},
      kind: "aggregate",
      compile: () => Promise.reject(new Error("unused")),
    }],
  });
  assert.match(data, /Europe\/Berlin \(UTC\+01:00\)/);
  assert.match(data, /Today is 2026-11-24/);
  assert.match(data, /`call_count` \(aggregate\): Counts calls\./);
  assert.match(data, /ccs_test/);
  assert.doesNotMatch(data, /\{\{/);
});

Deno.test("the prompts state the outcome contract: decline, ask back, never a different question", async () => {
  const now = new Date("2026-11-24T09:00:00Z");
  const flat = (s: string) => s.replace(/\s+/g, " ");
  const sup = flat(await supervisorPrompt(now, "Asia/Kolkata"));
  assert.match(sup, /`decline_request` with a one-line reason/);
  assert.match(sup, /writing, changing or deleting anything/);
  assert.match(sup, /sending messages/);
  assert.match(sup, /outside the contact center's call data/);
  assert.match(sup, /never answer it with a previous answer/);
  assert.match(sup, /Reports, exports and Excel files are reading/);
  const data = flat(
    await dataAgentPrompt({ now, tz: "Asia/Kolkata", database: "db", catalog: [] }),
  );
  assert.match(data, /never a different one/);
  assert.match(data, /call `ask_user_to_clarify`/);
  assert.match(data, /no CSAT, NPS, sentiment/);
  assert.match(data, /Never run a wider or narrower report instead/);
  assert.match(data, /passes all the filters the question names/);
  assert.match(data, /`duration` in seconds/);
  assert.match(data, /longer than 10 minutes/);
  assert.match(data, /as `unplaced`/);
});

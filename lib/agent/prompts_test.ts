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

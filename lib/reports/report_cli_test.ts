import assert from "node:assert/strict";
import { EJSON } from "bson";
import ExcelJS from "exceljs";
import {
  FIXTURE_CUSTOMERS,
  FIXTURE_NOW,
  fixtureCalls,
  local,
} from "../../testing/report_fixture.ts";
import type { Document } from "../data/types.ts";

const SCRIPT = new URL("../../scripts/report.ts", import.meta.url).pathname;
const CALLS = fixtureCalls();
const VISIBLE = CALLS.filter((c) => c.start_time < FIXTURE_NOW);

async function writeData(dir: string): Promise<void> {
  const lines = (docs: Document[]) =>
    docs.map((d) => EJSON.stringify(d, { relaxed: true })).join("\n") + "\n";
  await Deno.writeTextFile(`${dir}/calling_cdr.jsonl`, lines(CALLS));
  await Deno.writeTextFile(`${dir}/address_book.jsonl`, lines(FIXTURE_CUSTOMERS));
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", MCP_MODE: "embedded", DATA_DIR: "" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("deno task report: --list, errors, a table, an Excel file", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "report_cli_" });
  try {
    await writeData(dir);
    const common = ["--data", dir, "--now", FIXTURE_NOW.toISOString(), "--tz", "Asia/Kolkata"];

    await t.step("--list names every report with its parameters", async () => {
      const r = await cli(["--list"]);
      assert.equal(r.code, 0, r.stderr);
      for (const name of ["call_list", "agent_performance", "top_customers", "service_level"]) {
        assert.match(r.stdout, new RegExp(`^${name} `, "m"));
      }
      assert.match(r.stdout, /parameters: .*group_by\*/);
    });

    await t.step("unknown reports, options and parameters exit with status 2", async () => {
      const unknown = await cli(["no_such_report", ...common]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /Unknown report "no_such_report"/);
      const badOption = await cli(["call_count", "--bogus"]);
      assert.equal(badOption.code, 2);
      const badPeriod = await cli(["call_count", "--period", "when pigs fly", ...common]);
      assert.equal(badPeriod.code, 2);
      assert.match(badPeriod.stderr, /Cannot read the period "when pigs fly"/);
      const badEnum = await cli(["call_count", "--direction", "sideways", ...common]);
      assert.equal(badEnum.code, 2);
      const missingData = await cli(["call_count", "--data", `${dir}/nowhere`]);
      assert.equal(missingData.code, 1);
    });

    await t.step("prints the result as JSON", async () => {
      const r = await cli(["call_count", "--status", "missed,failed", "--json", ...common]);
      assert.equal(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout);
      const expected = VISIBLE.filter((c) => ["missed", "failed"].includes(c.status)).length;
      assert.equal(result.summary.calls, expected);
      assert.deepEqual(result.rows, [[expected]]);
    });

    await t.step("prints a table", async () => {
      const r = await cli(["call_breakdown", "--group-by", "day", ...common]);
      assert.equal(r.code, 0, r.stderr);
      const day = local(VISIBLE[0].start_time, "Asia/Kolkata").date;
      const n = VISIBLE.filter((c) => local(c.start_time, "Asia/Kolkata").date === day).length;
      assert.match(r.stdout, new RegExp(`^${day}\\s+${n}\\b`, "m"));
    });

    await t.step("-o DIR/ streams every row into a .xlsx named after what it covers", async () => {
      const r = await cli(["call_list", "--direction", "incoming", "-o", `${dir}/`, ...common]);
      assert.equal(r.code, 0, r.stderr);
      const file = `${dir}/incoming_calls_until_${local(FIXTURE_NOW, "Asia/Kolkata").date}.xlsx`;
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      const expected = VISIBLE.filter((c) => c.direction === "incoming").length;
      assert.equal(wb.worksheets[0].rowCount, expected + 1);
      assert.match(r.stderr, new RegExp(`Wrote ${expected} rows`));

      const y = await cli(["call_list", "--period", "yesterday", "-o", `${dir}/`, ...common]);
      assert.equal(y.code, 0, y.stderr);
      const yesterday = new Date(FIXTURE_NOW.getTime() - 86_400_000);
      const day = local(yesterday, "Asia/Kolkata").date;
      const rows = VISIBLE.filter((c) => local(c.start_time, "Asia/Kolkata").date === day).length;
      const named = new ExcelJS.Workbook();
      await named.xlsx.readFile(`${dir}/calls_${day}.xlsx`);
      assert.equal(named.worksheets[0].rowCount, rows + 1);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

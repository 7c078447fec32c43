/**
 * `deno task security`: the security and reliability suite. Runs every test whose name
 * starts with "security: " (across the repo, `deno test --filter`), reads the results from
 * Deno's JUnit report and the figures the cases report (`tests/security/figures.ts`), and
 * prints a table of cases: area | case | result | time | figures. Test names read
 * `security: <area>: <case>`.
 *
 * `--all` runs every test instead (the same as `deno task test`, once) and still prints the
 * table of the security cases: CI uses it so the tests do not run twice. Arguments after
 * `--` go to `deno test` (files, `--filter` is not allowed with `--all`).
 *
 * Exit status: 0 when every security case passed (and, with `--all`, every test); 1 when a
 * case failed, was skipped (`--allow-skips` lets skips pass), an area has no case, or the
 * tests could not run.
 */
import { parseArgs } from "node:util";
import { type Figure, FIGURES_DIR_VARIABLE, readFigures } from "../tests/security/figures.ts";

/** The areas of the suite, in the order of the table; a case names one after "security: ". */
export const AREAS = [
  "traversal",
  "idor",
  "auth",
  "csrf",
  "input",
  "responses",
  "injection",
  "read-only",
  "limits",
  "streams",
  "faults",
  "load",
  "mcp",
] as const;

/** Areas that must have at least one case (the issue's list). */
export const REQUIRED_AREAS: readonly string[] = [
  "traversal",
  "idor",
  "auth",
  "csrf",
  "input",
  "injection",
  "read-only",
  "faults",
  "load",
];

/** The prefix of a security case's name. */
export const PREFIX = "security: ";

/** One test case of a JUnit report. */
export interface JunitCase {
  name: string;
  file: string;
  /** Seconds; null when the report has none (filtered out). */
  time: number | null;
  result: "passed" | "failed" | "skipped";
  message: string;
}

/** One row of the table. */
export interface SuiteRow {
  area: string;
  name: string;
  file: string;
  result: JunitCase["result"];
  time: number | null;
  figures: string[];
  message: string;
}

const ENTITIES: Record<string, string> = {
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&apos;": "'",
  "&#39;": "'",
  "&amp;": "&",
};

function unescapeXml(s: string): string {
  return s.replace(/&(?:lt|gt|quot|apos|amp|#39);/g, (m) => ENTITIES[m]).replace(
    /&#(x?)([0-9a-f]+);/gi,
    (_, hex, n) => String.fromCodePoint(parseInt(n, hex ? 16 : 10)),
  );
}

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescapeXml(m[1]) : null;
}

/** Reads the test cases of Deno's JUnit report (test steps come as `parent > step`). */
export function parseJunit(xml: string): JunitCase[] {
  const out: JunitCase[] = [];
  const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml)) !== null) {
    const tag = m[1];
    const body = m[3] ?? "";
    const time = attr(tag, "time");
    const failure = /<(failure|error)\b([^>]*)>/.exec(body);
    out.push({
      name: attr(tag, "name") ?? "",
      file: attr(tag, "classname") ?? "",
      time: time === null ? null : Number(time),
      result: failure ? "failed" : /<skipped\b/.test(body) ? "skipped" : "passed",
      message: failure ? attr(failure[0], "message") ?? "" : "",
    });
  }
  return out;
}

/** A predicate telling the steps (`parent > step`, the parent a case too) among `cases`. */
function stepTest(cases: JunitCase[]): (c: JunitCase) => boolean {
  const names = new Set(cases.map((c) => `${c.file}\u0000${c.name}`));
  return (c) => {
    for (let i = c.name.indexOf(" > "); i >= 0; i = c.name.indexOf(" > ", i + 1)) {
      if (names.has(`${c.file}\u0000${c.name.slice(0, i)}`)) return true;
    }
    return false;
  };
}

/** The area and case of a security test's name, or null for other tests. */
export function splitName(name: string): { area: string; case: string } | null {
  if (!name.startsWith(PREFIX)) return null;
  const rest = name.slice(PREFIX.length);
  const m = /^([a-z][a-z-]*): (.+)$/s.exec(rest);
  if (m && (AREAS as readonly string[]).includes(m[1])) return { area: m[1], case: m[2] };
  return { area: "other", case: rest };
}

/** The rows of the security cases (steps are part of their test, not rows). */
export function suiteRows(cases: JunitCase[], figures: Figure[]): SuiteRow[] {
  const isStep = stepTest(cases);
  const rows: SuiteRow[] = [];
  for (const c of cases) {
    const split = splitName(c.name);
    if (!split || isStep(c)) continue;
    rows.push({
      area: split.area,
      name: split.case,
      file: c.file.replace(/^\.\//, ""),
      result: c.result,
      time: c.time,
      figures: figures.filter((f) => f.test === c.name).map((f) => f.text),
      message: c.message,
    });
  }
  const order = (a: string) => {
    const i = (AREAS as readonly string[]).indexOf(a);
    return i < 0 ? AREAS.length : i;
  };
  return rows.sort((a, b) => order(a.area) - order(b.area));
}

function seconds(t: number | null): string {
  if (t === null) return "";
  return t < 1 ? `${Math.round(t * 1000)} ms` : `${t.toFixed(1)} s`;
}

/** The table as Markdown: area | case | result | time | figures. */
export function formatTable(rows: SuiteRow[]): string {
  const cell = (s: string) => s.replaceAll("|", "\\|").replace(/\s+/g, " ");
  const body = rows.map((r) =>
    [r.area, r.name, r.result, seconds(r.time), r.figures.join("; ")].map(cell)
  );
  const head = ["area", "case", "result", "time", "figures"];
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => i === 4 ? c : c.padEnd(widths[i])).join(" | ")} |`.trimEnd();
  return [
    line(head),
    line(widths.map((w, i) => "-".repeat(i === 4 ? 7 : w))),
    ...body.map(line),
  ].join("\n");
}

/** What is wrong with the rows as a suite (failures, skips, areas without cases). */
export function problems(rows: SuiteRow[], opts: { allowSkips: boolean }): string[] {
  const out: string[] = [];
  for (const r of rows) {
    if (r.result === "failed") out.push(`failed: ${r.area}: ${r.name} (${r.file})`);
    if (r.result === "skipped" && !opts.allowSkips) {
      out.push(`skipped: ${r.area}: ${r.name} (${r.file})`);
    }
    if (r.area === "other") {
      out.push(`no known area: "${r.name}" (${r.file}); name it "security: <area>: …"`);
    }
  }
  for (const area of REQUIRED_AREAS) {
    if (!rows.some((r) => r.area === area)) out.push(`no case in the area "${area}"`);
  }
  return out;
}

/** Test files under `root` (outside node_modules, dot folders and test_output) containing `text`. */
export async function filesWith(root: string, text: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string) => {
    for await (const e of Deno.readDir(dir)) {
      if (e.name.startsWith(".") || e.name === "node_modules" || e.name === "test_output") continue;
      const path = `${dir}/${e.name}`;
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) await walk(path, relPath);
      else if (/_test\.tsx?$/.test(e.name) && (await Deno.readTextFile(path)).includes(text)) {
        out.push(relPath);
      }
    }
  };
  await walk(root.replace(/\/$/, ""), "");
  return out.sort();
}

/** The totals of every test run, in `deno test`'s summary form (CI reads this line). */
export function totals(cases: JunitCase[]): string {
  const isStep = stepTest(cases);
  const tests = cases.filter((c) => !isStep(c));
  const n = (r: JunitCase["result"]) => tests.filter((c) => c.result === r).length;
  return `${n("failed") ? "FAILED" : "ok"} | ${n("passed")} passed | ${n("failed")} failed | ${
    n("skipped")
  } ignored (all tests)`;
}

const HELP = `Usage: deno task security [--all] [--allow-skips] [-- deno test arguments]

Runs every test named "security: …" and prints a table of cases with their results,
times and figures (also written to test_output/security/report.md).

  --all           run every test (as deno task test does), still printing the table
  --allow-skips   a skipped case (no Chromium, no LibreOffice) does not fail the suite
  -h, --help      show this help
`;

/** What `deno task check` type-checks; the test run checks the same before it starts. */
const CHECK_ROOTS = [
  "main.ts",
  "scripts/",
  "lib/",
  "routes/",
  "islands/",
  "components/",
  "tests/",
  "bench/",
  "testing/",
  "eval/",
];

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: {
      all: { type: "boolean", default: false },
      "allow-skips": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const root = decodeURIComponent(new URL("../", import.meta.url).pathname);
  const outDir = `${root}test_output/security`;
  const figuresDir = `${outDir}/figures`;
  await Deno.remove(outDir, { recursive: true }).catch(() => {});
  await Deno.mkdir(figuresDir, { recursive: true });

  // Load cases measure times: their files run after the others, one at a time, so the
  // figures are not those of a machine busy with the rest of the tests.
  const serial = positionals.length ? [] : await filesWith(root, `"${PREFIX}load: `);
  const phases: { args: string[]; junit: string }[] = [];
  // Type-check once, up front: the tests then run unchecked, so a module loaded at run time
  // (the data worker, started by every app a test opens) is not checked again each time.
  const checkRoots = positionals.length ? positionals : CHECK_ROOTS;
  const checked = await new Deno.Command(Deno.execPath(), {
    args: ["check", ...checkRoots],
    cwd: root,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!checked.success) console.error("\nsecurity: type checking failed (see above)");
  const common = (junit: string) => [
    "test",
    "-A",
    "--no-check",
    `--junit-path=${junit}`,
    ...(values.all ? [] : ["--reporter=dot"]),
  ];
  phases.push({
    junit: `${outDir}/junit.xml`,
    args: [
      ...common(`${outDir}/junit.xml`),
      "--parallel",
      ...(values.all ? [] : [`--filter=/^${PREFIX}/`]),
      ...(serial.length ? [`--ignore=${serial.join(",")}`] : []),
      ...positionals,
    ],
  });
  if (serial.length) {
    phases.push({
      junit: `${outDir}/junit_load.xml`,
      args: [
        ...common(`${outDir}/junit_load.xml`),
        ...(values.all ? [] : [`--filter=/^${PREFIX}/`]),
        ...serial,
      ],
    });
  }
  const t0 = performance.now();
  let success = checked.success;
  const cases: JunitCase[] = [];
  for (const phase of phases) {
    if (phase !== phases[0]) console.log(`\nsecurity: the files of load cases, one at a time`);
    const status = await new Deno.Command(Deno.execPath(), {
      args: phase.args,
      cwd: root,
      env: { [FIGURES_DIR_VARIABLE]: figuresDir },
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn().status;
    if (!status.success) success = false;
    try {
      cases.push(...parseJunit(await Deno.readTextFile(phase.junit)));
    } catch {
      console.error(`\nsecurity: the tests did not run (deno test exited with ${status.code})`);
      return 1;
    }
  }
  const elapsed = (performance.now() - t0) / 1000;
  if (!checked.success) {
    cases.push({
      name: "type check",
      file: checkRoots.join(" "),
      time: null,
      result: "failed",
      message: "deno check failed",
    });
  }

  const rows = suiteRows(cases, readFigures(figuresDir));
  const table = formatTable(rows);
  const count = (r: SuiteRow["result"]) => rows.filter((x) => x.result === r).length;
  const summary = `security: ${rows.length} cases, ${count("passed")} passed, ${
    count("failed")
  } failed, ${count("skipped")} skipped (${elapsed.toFixed(0)} s)`;
  const found = problems(rows, { allowSkips: values["allow-skips"] });
  await Deno.writeTextFile(
    `${outDir}/report.md`,
    `# Security and reliability suite\n\n${table}\n\n${summary}\n`,
  );
  console.log(`\n${table}\n`);
  for (const p of found) console.log(`security: ${p}`);
  console.log(summary);
  console.log(`security suite: ${found.length ? `FAILED (${found.length} problems)` : "ok"}`);
  if (values.all) console.log(totals(cases));
  else if (!success && found.length === 0) console.log("security: deno test failed (see above)");
  return found.length === 0 && success ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());

import assert from "node:assert/strict";
import {
  blankNonCode,
  deployCheck,
  deployReady,
  formatReport,
  scanModule,
} from "./deploy_check.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
const SCRIPT = decodeURIComponent(new URL("./deploy_check.ts", import.meta.url).pathname);

const MAIN = `import { start } from "./local.ts";\nawait start();\n`;
const UNMARKED = `export async function start() {
  await new Deno.Command("ls").output();
}
`;
const MARKED = `import { onDeploy } from "./runtime.ts";
export async function start() {
  if (onDeploy()) return;
  // deploy-check: local-only — listing files needs a subprocess; onDeploy() returned above
  await new Deno.Command("ls").output();
}
`;
const RUNTIME = `export const onDeploy = () => !!Deno.env.get("DENO_DEPLOYMENT_ID");\n`;

async function fixture(local: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "deploy_check_" });
  await Deno.writeTextFile(`${dir}/main.ts`, MAIN);
  await Deno.writeTextFile(`${dir}/local.ts`, local);
  await Deno.writeTextFile(`${dir}/runtime.ts`, RUNTIME);
  return await Deno.realPath(dir);
}

Deno.test("deploy-check: an unmarked Deno.Command in an imported module fails, with file:line", async () => {
  const dir = await fixture(UNMARKED);
  try {
    const report = await deployCheck({ root: dir });
    assert.deepEqual(report.scanned, ["local.ts", "main.ts"]);
    assert.equal(deployReady(report), false);
    assert.deepEqual(
      report.findings.map((f) => `${f.file}:${f.line} ${f.api}`),
      ["local.ts:2 Deno.Command"],
    );
    const cli = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-check", SCRIPT, "--root", dir],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(cli.stdout);
    assert.equal(cli.code, 1, out);
    assert.match(out, /local\.ts:2 {2}Deno\.Command — no subprocesses on Deploy/);
    assert.match(out, /deploy-check: FAILED \(1 findings/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deploy-check: the same call in a marked local-only branch passes, with its reason", async () => {
  const dir = await fixture(MARKED);
  try {
    const report = await deployCheck({ root: dir });
    assert.deepEqual(report.findings, []);
    assert.equal(deployReady(report), true);
    assert.equal(report.allowed.length, 1);
    assert.equal(report.allowed[0].line, 5);
    assert.match(report.allowed[0].reason!, /^listing files needs a subprocess/);
    assert.match(formatReport(report), /local\.ts:5 {2}Deno\.Command — local-only: listing files/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deploy-check: the server's import graph from main.ts has no unmarked Deploy-only API", async () => {
  const report = await deployCheck({ root: ROOT });
  assert.ok(report.scanned.includes("main.ts"));
  assert.ok(report.scanned.length > 50, `walked ${report.scanned.length} modules`);
  assert.ok(deployReady(report), formatReport(report));
});

Deno.test("blankNonCode keeps code and positions, blanks comments, strings, templates, regexes", () => {
  const source = [
    `// Deno.exit(1) in a comment`,
    `/* Deno.Command */ const a = "Deno.run()", b = 'Deno.mkdir';`,
    "const t = `Deno.exit ${Deno.exit} ${`Deno.remove`}`;",
    `const r = /Deno.listen("x")/g, q = x / 2 / y;`,
    `Deno.exit(0);`,
  ].join("\n");
  const blanked = blankNonCode(source);
  assert.equal(blanked.length, source.length);
  assert.deepEqual(
    blanked.split("\n").map((l) => l.length),
    source.split("\n").map((l) => l.length),
  );
  assert.deepEqual([...blanked.matchAll(/Deno\.\w+/g)].map((m) => m[0]), [
    "Deno.exit",
    "Deno.exit",
  ]);
  assert.match(blanked, /q = x \/ 2 \/ y;/);
});

Deno.test("scanModule: arguments decide openKv and open; a block marker covers the if, not its else", () => {
  const source = [
    `const kv = await Deno.openKv();`,
    `const file = await Deno.openKv("./data/app.kv");`,
    `const r = await Deno.open("a.txt");`,
    `const w = await Deno.open("a.txt", { write: true });`,
    `// deploy-check: local-only — a local KV path`,
    `if (path) {`,
    `  await Deno.mkdir(dir);`,
    `} else {`,
    `  await Deno.remove(dir);`,
    `}`,
    `// deploy-check: local-only`,
    `Deno.exit(1);`,
    `// deploy-check: deploy-safe — undefined on Deploy`,
    `await Deno.openKv(target);`,
  ].join("\n");
  const scan = scanModule({ file: "x.ts", source });
  assert.deepEqual(scan.findings.map((f) => `${f.line} ${f.api}`), [
    "2 Deno.openKv(path)",
    "4 Deno.open (for writing)",
    "9 Deno.remove",
  ]);
  assert.deepEqual(scan.allowed.map((f) => `${f.line} ${f.api} ${f.marker}`), [
    "7 Deno.mkdir local-only",
    "12 Deno.exit local-only",
    "14 Deno.openKv(path) deploy-safe",
  ]);
  assert.deepEqual(scan.markerErrors, [
    { file: "x.ts", line: 11, message: "a local-only marker needs a reason" },
  ]);
});

Deno.test("scanModule: start/end markers, unused markers and imports of node:child_process", () => {
  const source = [
    `import { spawn } from "node:child_process";`,
    `// deploy-check: local-only-start — the CLI only`,
    `Deno.exit(1);`,
    `Deno.exit(2);`,
    `// deploy-check: local-only-end`,
    `Deno.exit(3);`,
    `// deploy-check: local-only — nothing here`,
    `console.log("x");`,
  ].join("\n");
  const scan = scanModule({
    file: "y.ts",
    source,
    moduleImports: [{ line: 1, specifier: "node:child_process" }],
  });
  assert.deepEqual(scan.findings.map((f) => `${f.line} ${f.api}`), [
    `1 import "node:child_process"`,
    "6 Deno.exit",
  ]);
  assert.deepEqual(scan.allowed.map((f) => f.line), [3, 4]);
  assert.deepEqual(scan.unusedMarkers.map((m) => m.line), [7]);
  assert.deepEqual(scan.markerErrors, []);
});

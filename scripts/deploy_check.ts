/**
 * `deno task deploy-check`: walks the server's import graph from `main.ts` (`deno info
 * --json`, the project's own modules only, plus the module of any `new Worker(new URL(…))`
 * found on the way) and fails on APIs Deno Deploy lacks — subprocesses, signal listeners,
 * sockets other than `Deno.serve`, FFI, `Deno.exit`, file-system writes, `Deno.openKv` with
 * a path — outside the local-only branches. Prints every finding as `file:line`, and a
 * summary: modules walked, findings, the local-only uses allowed and why.
 *
 * A local-only branch is code reached only where the app does not run on Deploy (behind
 * `onDeploy()` of `lib/runtime.ts`, a local `KV_PATH`, stdio MCP…). It is marked by a line
 * comment on the line before it, with the reason:
 *
 *     // deploy-check: local-only — signals do not exist on Deploy (onDeploy() is false here)
 *     if (!deploy) {
 *       Deno.addSignalListener("SIGINT", stop);
 *     }
 *
 * The marker covers the next code line and, when that line opens brackets, everything up to
 * where they close: a whole `if (…) { … }` block (not its `else`), a multi-line call. Longer
 * stretches use a pair: `// deploy-check: local-only-start — <reason>` …
 * `// deploy-check: local-only-end`. A marker without a reason is an error; a marker that
 * covers no Deploy-only API is reported (not an error).
 *
 * A use that is reached on Deploy but only in a form Deploy has (`Deno.openKv(target)` where
 * `target` is undefined on Deploy) is marked the same way with
 * `// deploy-check: deploy-safe — <reason>`.
 *
 * Usage: `deno run -A scripts/deploy_check.ts [entry …] [--root <dir>] [--json]`
 * (default entry `main.ts`, root the repository). Exit status 1 when there are findings.
 *
 * The scan reads code, not comments or strings, and sees `Deno.<api>` written out: an alias
 * (`const { Command } = Deno`) is not followed.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** An API Deno Deploy lacks, as the scan recognises it. */
export interface DeployRule {
  /** What is reported, e.g. `Deno.Command`. */
  api: string;
  /** Why Deploy lacks it. */
  why: string;
  /** Matches a use in code (comments and strings blanked). */
  pattern: RegExp;
  /** Given the call's arguments (blanked), whether this use is one Deploy lacks. */
  arguments?: (args: string | null) => boolean;
}

const FS_WRITES = [
  "writeFile",
  "writeTextFile",
  "mkdir",
  "remove",
  "rename",
  "create",
  "makeTempDir",
  "makeTempFile",
  "chmod",
  "chown",
  "symlink",
  "link",
  "truncate",
  "copyFile",
  "utime",
];

function denoApi(name: string): RegExp {
  return new RegExp(`\\bDeno\\s*\\.\\s*${name}\\b`, "g");
}

/** The APIs `deno task deploy-check` fails on. */
export const DEPLOY_RULES: readonly DeployRule[] = [
  { api: "Deno.Command", why: "no subprocesses on Deploy", pattern: denoApi("Command") },
  { api: "Deno.run", why: "no subprocesses on Deploy", pattern: denoApi("run") },
  { api: "Deno.kill", why: "no subprocesses on Deploy", pattern: denoApi("kill") },
  {
    api: "Deno.addSignalListener",
    why: "no signals on Deploy",
    pattern: denoApi("addSignalListener"),
  },
  { api: "Deno.listen", why: "Deploy serves through Deno.serve only", pattern: denoApi("listen") },
  {
    api: "Deno.listenTls",
    why: "Deploy serves through Deno.serve only",
    pattern: denoApi("listenTls"),
  },
  {
    api: "Deno.listenDatagram",
    why: "Deploy serves through Deno.serve only",
    pattern: denoApi("listenDatagram"),
  },
  {
    api: "StdioClientTransport",
    why: "a stdio MCP server is a subprocess: none on Deploy",
    pattern: /\bnew\s+StdioClientTransport\b/g,
  },
  { api: "Deno.dlopen", why: "no FFI on Deploy", pattern: denoApi("dlopen") },
  { api: "Deno.exit", why: "an isolate on Deploy cannot exit", pattern: denoApi("exit") },
  ...FS_WRITES.map((name) => ({
    api: `Deno.${name}`,
    why: "the file system is read-only on Deploy",
    pattern: denoApi(`${name}(?:Sync)?`),
  })),
  {
    api: "Deno.open (for writing)",
    why: "the file system is read-only on Deploy",
    pattern: denoApi("open(?:Sync)?"),
    arguments: (args) =>
      args !== null && /\b(write|append|create|createNew|truncate)\s*:/.test(args),
  },
  {
    api: "Deno.openKv(path)",
    why: "Deploy has only its managed KV (Deno.openKv() with no argument)",
    pattern: denoApi("openKv"),
    arguments: (args) => args !== null && args.trim() !== "",
  },
];

/** Node built-ins whose import alone means an API Deploy lacks. */
export const DEPLOY_MODULE_RULES: Readonly<Record<string, string>> = {
  "node:child_process": "no subprocesses on Deploy",
};

/**
 * The source with comments and the text of strings, template literals and regular
 * expressions replaced by spaces (line breaks, quotes and `${…}` code kept), so that a
 * position in it is the same line and column as in the source.
 */
export function blankNonCode(source: string): string {
  const out = source.split("");
  const n = source.length;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < n; k++) if (out[k] !== "\n") out[k] = " ";
  };
  // Open template expressions: the brace depth inside each `${…}`.
  const templates: number[] = [];
  const scanTemplate = (start: number): number => {
    let j = start;
    while (j < n) {
      if (source[j] === "\\") j += 2;
      else if (source[j] === "`") {
        blank(start, j);
        return j + 1;
      } else if (source[j] === "$" && source[j + 1] === "{") {
        blank(start, j);
        templates.push(0);
        return j + 2;
      } else j++;
    }
    blank(start, n);
    return n;
  };
  const regexAllowed = (at: number): boolean => {
    let k = at - 1;
    while (k >= 0 && /\s/.test(out[k])) k--;
    if (k < 0) return true;
    const c = out[k];
    if (/[\w$]/.test(c)) {
      let s = k;
      while (s > 0 && /[\w$]/.test(out[s - 1])) s--;
      return /^(return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/
        .test(out.slice(s, k + 1).join(""));
    }
    return "(,=:[!&|?{};+-*%<>~^".includes(c);
  };
  let i = 0;
  while (i < n) {
    const c = source[i];
    const d = source[i + 1];
    if (c === "/" && d === "/") {
      const end = source.indexOf("\n", i);
      const stop = end < 0 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (c === "/" && d === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && source[j] !== c && source[j] !== "\n") j += source[j] === "\\" ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
    } else if (c === "`") {
      i = scanTemplate(i + 1);
    } else if (c === "{") {
      if (templates.length) templates[templates.length - 1]++;
      i++;
    } else if (c === "}") {
      if (templates.length && templates[templates.length - 1] === 0) {
        templates.pop();
        i = scanTemplate(i + 1);
      } else {
        if (templates.length) templates[templates.length - 1]--;
        i++;
      }
    } else if (c === "/" && regexAllowed(i)) {
      let j = i + 1;
      let inClass = false;
      while (j < n && source[j] !== "\n") {
        if (source[j] === "\\") j++;
        else if (source[j] === "[") inClass = true;
        else if (source[j] === "]") inClass = false;
        else if (source[j] === "/" && !inClass) break;
        j++;
      }
      blank(i + 1, j);
      i = j + 1;
    } else i++;
  }
  return out.join("");
}

/** One use of an API Deploy lacks. */
export interface DeployUse {
  /** Path from the root. */
  file: string;
  /** 1-based. */
  line: number;
  api: string;
  why: string;
  /** The line of code, trimmed. */
  code: string;
  /** The marker's reason when the use is in a marked branch. */
  reason?: string;
  /** The kind of marker that allows the use. */
  marker?: MarkerKind;
}

/** Kinds of marker: code not reached on Deploy, or reached only in a form Deploy has. */
export type MarkerKind = "local-only" | "deploy-safe";

/** A marker that is wrong or covers nothing. */
export interface MarkerNote {
  file: string;
  line: number;
  message: string;
}

/** What {@linkcode scanModule} found in one module. */
export interface ModuleScan {
  /** Uses outside local-only branches. */
  findings: DeployUse[];
  /** Uses inside marked branches (local-only or deploy-safe). */
  allowed: DeployUse[];
  /** Markers that are wrong (no reason, unclosed): errors. */
  markerErrors: MarkerNote[];
  /** Markers that cover no Deploy-only API: reported, not errors. */
  unusedMarkers: MarkerNote[];
}

interface Marker {
  kind: MarkerKind;
  line: number;
  from: number;
  to: number;
  reason: string;
  used: boolean;
}

const MARKER =
  /^\s*\/\/\s*deploy-check:\s*(local-only-start|local-only-end|local-only|deploy-safe)(?![\w-])\s*(?:—|–|-|:)?\s*(.*)$/;

/** The last line (0-based) a line marker before `start` covers (see the module doc). */
function coveredUntil(code: string[], start: number): number {
  let depth = 0;
  for (let l = start; l < code.length; l++) {
    const startedOpen = depth > 0;
    let closedBlock = false;
    for (const c of code[l]) {
      if (c === "(" || c === "[" || c === "{") depth++;
      else if (c === ")" || c === "]" || c === "}") {
        depth--;
        if (c === "}" && depth <= 0 && startedOpen) closedBlock = true;
      }
    }
    if (depth <= 0 || closedBlock) return l;
  }
  return code.length - 1;
}

function callArguments(code: string, from: number): string | null {
  let i = from;
  while (i < code.length && /\s/.test(code[i])) i++;
  if (code[i] !== "(") return null;
  let depth = 0;
  for (let j = i; j < code.length; j++) {
    if (code[j] === "(") depth++;
    else if (code[j] === ")" && --depth === 0) return code.slice(i + 1, j);
  }
  return code.slice(i + 1);
}

/** Options of {@linkcode scanModule}. */
export interface ScanModuleOptions {
  /** Path reported for the module. */
  file: string;
  /** The module's source. */
  source: string;
  /** Line numbers (1-based) of imports of {@linkcode DEPLOY_MODULE_RULES} modules. */
  moduleImports?: { line: number; specifier: string }[];
}

/** Finds the uses of APIs Deploy lacks in one module, and which are local-only. */
export function scanModule(options: ScanModuleOptions): ModuleScan {
  const { file, source } = options;
  const blanked = blankNonCode(source);
  const raw = source.split("\n");
  const code = blanked.split("\n");
  const markers: Marker[] = [];
  const markerErrors: MarkerNote[] = [];
  let open: Marker | null = null;
  for (let l = 0; l < raw.length; l++) {
    const m = MARKER.exec(raw[l]);
    if (!m || code[l].trim() !== "") continue;
    const [, kind, reason] = m;
    if (kind === "local-only-end") {
      if (!open) {
        markerErrors.push({ file, line: l + 1, message: "local-only-end without a start" });
      } else (open.to = l, markers.push(open), open = null);
      continue;
    }
    if (!reason.trim()) {
      markerErrors.push({ file, line: l + 1, message: `a ${kind} marker needs a reason` });
    }
    if (kind === "local-only-start") {
      if (open) {
        markerErrors.push({ file, line: l + 1, message: "local-only-start inside another" });
      }
      open = {
        kind: "local-only",
        line: l,
        from: l + 1,
        to: l,
        reason: reason.trim(),
        used: false,
      };
      continue;
    }
    let next = l + 1;
    while (next < raw.length && (code[next].trim() === "")) next++;
    if (next >= raw.length) {
      markerErrors.push({ file, line: l + 1, message: "a local-only marker before no code" });
      continue;
    }
    markers.push({
      kind: kind === "deploy-safe" ? "deploy-safe" : "local-only",
      line: l,
      from: next,
      to: coveredUntil(code, next),
      reason: reason.trim(),
      used: false,
    });
  }
  if (open) {
    markerErrors.push({ file, line: open.line + 1, message: "local-only-start without an end" });
  }

  const lineStarts: number[] = [0];
  for (let i = 0; i < blanked.length; i++) if (blanked[i] === "\n") lineStarts.push(i + 1);
  const lineOf = (index: number) => {
    let lo = 0, hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const uses: { line: number; api: string; why: string }[] = [];
  for (const rule of DEPLOY_RULES) {
    for (const m of blanked.matchAll(rule.pattern)) {
      const end = m.index + m[0].length;
      if (rule.arguments && !rule.arguments(callArguments(blanked, end))) continue;
      uses.push({ line: lineOf(m.index), api: rule.api, why: rule.why });
    }
  }
  for (const imp of options.moduleImports ?? []) {
    const why = DEPLOY_MODULE_RULES[imp.specifier];
    if (why) uses.push({ line: imp.line - 1, api: `import "${imp.specifier}"`, why });
  }
  uses.sort((a, b) => a.line - b.line || a.api.localeCompare(b.api));

  const findings: DeployUse[] = [];
  const allowed: DeployUse[] = [];
  for (const u of uses) {
    const use: DeployUse = {
      file,
      line: u.line + 1,
      api: u.api,
      why: u.why,
      code: raw[u.line].trim(),
    };
    const marker = markers.find((m) => m.from <= u.line && u.line <= m.to);
    if (marker) {
      marker.used = true;
      allowed.push({ ...use, reason: marker.reason, marker: marker.kind });
    } else findings.push(use);
  }
  const unusedMarkers = markers.filter((m) => !m.used).map((m) => ({
    file,
    line: m.line + 1,
    message: `the ${m.kind} marker covers no Deploy-only API`,
  }));
  return { findings, allowed, markerErrors, unusedMarkers };
}

/** Options of {@linkcode deployCheck}. */
export interface DeployCheckOptions {
  /** Project root: only modules under it (outside `node_modules/`) are scanned. */
  root: string;
  /** Entry modules, from the root (default `["main.ts"]`). */
  entries?: string[];
  /** The deno executable (default `Deno.execPath()`). */
  deno?: string;
}

/** What {@linkcode deployCheck} found. */
export interface DeployCheckReport extends ModuleScan {
  /** The entries walked, workers included (paths from the root). */
  entries: string[];
  /** Modules in the graphs (all kinds). */
  modules: number;
  /** The project's own modules scanned (paths from the root). */
  scanned: string[];
}

interface InfoModule {
  specifier: string;
  mediaType?: string;
  error?: string;
  dependencies?: {
    specifier: string;
    code?: { specifier?: string; span?: { start: { line: number } } };
  }[];
}

async function moduleGraph(deno: string, root: string, entry: string): Promise<InfoModule[]> {
  const out = await new Deno.Command(deno, {
    args: ["info", "--json", entry],
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder();
  if (!out.success) {
    throw new Error(`Cannot walk ${entry}: deno info failed\n${text.decode(out.stderr).trim()}`);
  }
  return (JSON.parse(text.decode(out.stdout)).modules ?? []) as InfoModule[];
}

const WORKER_URL =
  /new\s+Worker\s*\([^;]*?new\s+URL\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]\s*,\s*import\.meta\.url/g;
const SCANNED_MEDIA = new Set(["TypeScript", "TSX", "JavaScript", "JSX", "Mts", "Mjs"]);

/** Walks the import graphs of the entries and scans the project's own modules. */
export async function deployCheck(options: DeployCheckOptions): Promise<DeployCheckReport> {
  const root = options.root.replace(/\/+$/, "");
  const deno = options.deno ?? Deno.execPath();
  const pending = [...(options.entries ?? ["main.ts"])];
  const entries: string[] = [];
  const seen = new Map<string, InfoModule>();
  const rel = (path: string) => path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
  const local = (specifier: string): string | null => {
    if (!specifier.startsWith("file://")) return null;
    const path = decodeURIComponent(new URL(specifier).pathname);
    return path.startsWith(`${root}/`) && !path.includes("/node_modules/") ? path : null;
  };
  let modules = 0;
  while (pending.length) {
    const entry = pending.shift()!;
    if (entries.includes(entry)) continue;
    entries.push(entry);
    for (const m of await moduleGraph(deno, root, entry)) {
      if (m.error) throw new Error(`Cannot walk ${entry}: ${m.error}`);
      if (seen.has(m.specifier)) continue;
      seen.set(m.specifier, m);
      modules++;
      const path = local(m.specifier);
      if (!path || !SCANNED_MEDIA.has(m.mediaType ?? "")) continue;
      const source = await Deno.readTextFile(path);
      for (const w of source.matchAll(WORKER_URL)) {
        const worker = local(new URL(w[1], m.specifier).href);
        if (worker) pending.push(rel(worker));
      }
    }
  }
  const report: DeployCheckReport = {
    entries,
    modules,
    scanned: [],
    findings: [],
    allowed: [],
    markerErrors: [],
    unusedMarkers: [],
  };
  for (const m of [...seen.values()].sort((a, b) => a.specifier < b.specifier ? -1 : 1)) {
    const path = local(m.specifier);
    if (!path || !SCANNED_MEDIA.has(m.mediaType ?? "")) continue;
    const file = rel(path);
    report.scanned.push(file);
    const moduleImports = (m.dependencies ?? []).flatMap((d) =>
      d.specifier in DEPLOY_MODULE_RULES && d.code?.span
        ? [{ line: d.code.span.start.line + 1, specifier: d.specifier }]
        : []
    );
    const scan = scanModule({ file, source: await Deno.readTextFile(path), moduleImports });
    report.findings.push(...scan.findings);
    report.allowed.push(...scan.allowed);
    report.markerErrors.push(...scan.markerErrors);
    report.unusedMarkers.push(...scan.unusedMarkers);
  }
  return report;
}

/** True when the report has no finding and no marker error. */
export function deployReady(report: DeployCheckReport): boolean {
  return report.findings.length === 0 && report.markerErrors.length === 0;
}

/** The report as printed by `deno task deploy-check`. */
export function formatReport(report: DeployCheckReport): string {
  const lines = [
    `deploy-check: walked ${report.entries.join(", ")}: ${report.modules} modules, ` +
    `${report.scanned.length} of the project's own scanned`,
  ];
  const use = (u: DeployUse) => `  ${u.file}:${u.line}  ${u.api} — ${u.why}\n      ${u.code}`;
  lines.push(
    "",
    `Findings: APIs Deno Deploy lacks, outside local-only branches (${report.findings.length})`,
  );
  lines.push(...(report.findings.length ? report.findings.map(use) : ["  none"]));
  if (report.markerErrors.length) {
    lines.push("", `Marker errors (${report.markerErrors.length})`);
    lines.push(...report.markerErrors.map((m) => `  ${m.file}:${m.line}  ${m.message}`));
  }
  lines.push("", `Allowed uses in marked branches (${report.allowed.length})`);
  lines.push(
    ...(report.allowed.length
      ? report.allowed.map((u) => `  ${u.file}:${u.line}  ${u.api} — ${u.marker}: ${u.reason}`)
      : ["  none"]),
  );
  if (report.unusedMarkers.length) {
    lines.push("", `Markers covering no Deploy-only API (${report.unusedMarkers.length})`);
    lines.push(...report.unusedMarkers.map((m) => `  ${m.file}:${m.line}  ${m.message}`));
  }
  const problems = report.findings.length + report.markerErrors.length;
  lines.push(
    "",
    problems
      ? `deploy-check: FAILED (${report.findings.length} findings, ${report.markerErrors.length} marker errors)`
      : `deploy-check: ok (${report.allowed.length} uses allowed in marked branches)`,
  );
  return lines.join("\n");
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: {
      root: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(
      "Usage: deno task deploy-check [entry …] [--root <dir>] [--json]\n\n" +
        "Fails on APIs Deno Deploy lacks in the import graph of the entries (default main.ts),\n" +
        "outside branches marked `// deploy-check: local-only — <reason>`.",
    );
    return 0;
  }
  const root = values.root ??
    decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
  try {
    const report = await deployCheck({
      root,
      entries: positionals.length ? positionals : undefined,
    });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return deployReady(report) ? 0 : 1;
  } catch (e) {
    console.error(`deploy-check: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}

// deploy-check: local-only — a command-line script, never part of the server
if (import.meta.main) Deno.exit(await main());

/**
 * `deno task bench`: runs every benchmark of the project one after another and prints
 * their figures. Where a benchmark has a peer (plain mingo, a smaller export), it runs
 * both in the same process run and prints the ratio.
 *
 *   deno task bench [--quick]
 *
 * --quick uses smaller sizes (for a smoke run); the default sizes are the ones reported
 * in the issues' closing notes.
 */
const quick = Deno.args.includes("--quick");

const benches: { title: string; args: string[] }[] = [
  {
    title: "Query engine vs plain mingo (same documents, same pipelines)",
    args: ["run", "-A", "lib/data/engine_bench.ts", quick ? "50000" : "200000"],
  },
  {
    title: "readAll through the embedded MCP server (100-document cap)",
    args: ["run", "-A", "lib/data/read_all_bench.ts", quick ? "50000" : "250000"],
  },
  {
    title: "Excel export: memory flat from 50,000 to 500,000 rows",
    args: [
      "run",
      "-A",
      "bench/excel.ts",
      "--rows",
      quick ? "20000,100000" : "50000,500000",
    ],
  },
  {
    title: "Demo-data generator",
    args: ["run", "-A", "scripts/bench_seed.ts", "--calls", quick ? "100000" : "1000000"],
  },
  {
    title: "Whole turns with the offline planner (48,000 calls)",
    args: ["bench", "-A", "--no-check", "lib/agent/turn_bench.ts"],
  },
];

let failed = 0;
for (const b of benches) {
  console.log(`\n=== ${b.title}\n$ deno ${b.args.join(" ")}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: b.args,
    env: { RUST_BACKTRACE: "0", NO_COLOR: "1" },
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    failed++;
    console.log(`(benchmark failed with exit code ${code})`);
  }
}
Deno.exit(failed ? 1 : 0);

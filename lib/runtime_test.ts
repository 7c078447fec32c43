import assert from "node:assert/strict";
import { onDeploy, onStopSignals } from "./runtime.ts";

Deno.test("onDeploy is true only when DENO_DEPLOYMENT_ID is set", () => {
  assert.equal(onDeploy({}), false);
  assert.equal(onDeploy({ DENO_DEPLOYMENT_ID: "" }), false);
  assert.equal(onDeploy({ DENO_DEPLOYMENT_ID: "  " }), false);
  assert.equal(onDeploy({ DENO_DEPLOYMENT_ID: "abc123" }), true);
  // This test process is not on Deploy.
  assert.equal(onDeploy(), !!Deno.env.get("DENO_DEPLOYMENT_ID"));
});

Deno.test("onStopSignals adds no listener on Deploy, SIGINT and SIGTERM elsewhere", () => {
  const stop = () => {};
  const deploy = onStopSignals(stop, { deploy: true });
  assert.deepEqual(deploy.signals, []);
  deploy.remove();
  const windows = onStopSignals(stop, { deploy: false, os: "windows" });
  try {
    assert.deepEqual(windows.signals, ["SIGINT"]);
  } finally {
    windows.remove();
  }
  if (Deno.build.os === "windows") return;
  const local = onStopSignals(stop, { deploy: false });
  try {
    assert.deepEqual(local.signals, ["SIGINT", "SIGTERM"]);
  } finally {
    local.remove();
  }
  local.remove(); // twice is harmless
});

Deno.test({
  name: "onStopSignals calls stop on SIGTERM in a real process",
  ignore: Deno.build.os === "windows",
  async fn() {
    const code = `
      import { onStopSignals } from ${
      JSON.stringify(new URL("./runtime.ts", import.meta.url).href)
    };
      const timer = setTimeout(() => { console.log("not stopped"); Deno.exit(3); }, 10000);
      const s = onStopSignals(() => { clearTimeout(timer); s.remove(); console.log("stopped"); });
      console.log("ready " + s.signals.join(","));
    `;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", "--no-check", code],
      env: { DENO_DEPLOYMENT_ID: "" },
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    assert.equal(out.trim(), "ready SIGINT,SIGTERM");
    child.kill("SIGTERM");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    const status = await child.status;
    assert.match(out, /stopped/);
    assert.equal(status.code, 0);
  },
});

import assert from "node:assert/strict";
import { addUser, setRole } from "../auth/users.ts";
import type { ReportMeta } from "../reports/types.ts";
import { TEST_ITERATIONS, type TestApp, testApp, TestClient } from "../../testing/web_app.ts";

const PASSWORD = "password-1234";

/** alice (admin), bob and carol (supervisors), each signed in. */
async function team(t: TestApp) {
  await addUser(t.store, "carol", PASSWORD, { iterations: TEST_ITERATIONS });
  await setRole(t.store, "alice", "admin");
  const alice = await new TestClient(t.app).login("alice");
  const bob = await new TestClient(t.app).login("bob");
  const carol = await new TestClient(t.app).login("carol");
  return { alice, bob, carol };
}

function report(owner: string, id: string): ReportMeta {
  return {
    id,
    owner,
    title: "Calls",
    name: null,
    params: null,
    collection: "calling_cdr",
    pipeline_ejson: "[]",
    columns: [],
    filters: [],
    period_label: null,
    tz: "UTC",
    as_of: "2030-01-01T00:00:00.000Z",
    rows: 1,
    file_name: "calls.xlsx",
    created_at: "2030-01-01T00:00:00.000Z",
  };
}

const ADMIN_API: [string, string, unknown?][] = [
  ["GET", "/api/admin/users"],
  ["POST", "/api/admin/users", { username: "dave", password: PASSWORD }],
  ["PATCH", "/api/admin/users/bob", { role: "admin" }],
  ["PATCH", "/api/admin/users/alice", { disabled: true }],
  ["POST", "/api/admin/users/alice/password", { password: "new-password-5678" }],
  ["GET", "/api/admin/audit"],
  ["GET", "/api/admin/audit.csv"],
];

Deno.test("security: auth: a supervisor gets 403 from every admin route, page and API; an admin gets in", async () => {
  const t = await testApp();
  try {
    const { alice, bob } = await team(t);
    for (const [method, path, body] of ADMIN_API) {
      const r = await bob.json(method, path, body);
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.deepEqual(r.body.error, {
        code: "admin_only",
        message: "Only an admin can manage users and read the audit log",
      });
    }
    const page = await bob.request("GET", "/admin");
    assert.equal(page.status, 403);
    assert.match(await page.text(), /Only an admin can manage users/);
    // Nothing changed: dave was not added, alice is still an enabled admin.
    assert.equal(await t.store.getUserByName("dave"), null);
    const a = await t.store.getUserByName("alice");
    assert.equal(a?.role, "admin");
    assert.equal(a?.disabled, undefined);
    // The admin reaches the same routes.
    const users = await alice.json("GET", "/api/admin/users");
    assert.equal(users.status, 200);
    assert.deepEqual(
      users.body.users.map((u: { username: string; role: string }) => [u.username, u.role]),
      [
        ["alice", "admin"],
        ["bob", "supervisor"],
        ["carol", "supervisor"],
      ],
    );
    assert.equal(typeof users.body.users[0].last_login_at, "string");
    assert.equal(JSON.stringify(users.body).includes("hash"), false);
    const adminPage = await alice.request("GET", "/admin");
    assert.equal(adminPage.status, 200);
    const html = await adminPage.text();
    assert.match(html, /carol/);
    assert.equal((await alice.request("GET", "/api/admin/audit.csv")).status, 200);
    // Signed out: 401, not 403.
    const anon = await new TestClient(t.app).json("GET", "/api/admin/users");
    assert.equal(anon.status, 401);
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: a demotion counts at once (the role is read from KV per request)", async () => {
  const t = await testApp();
  try {
    const { alice, bob } = await team(t);
    assert.equal(
      (await alice.json("PATCH", "/api/admin/users/bob", { role: "admin" })).status,
      200,
    );
    assert.equal((await bob.json("GET", "/api/admin/users")).status, 200);
    const r = await bob.json("PATCH", "/api/admin/users/alice", { role: "supervisor" });
    assert.equal(r.status, 200);
    assert.equal(r.body.role, "supervisor");
    assert.equal((await alice.json("GET", "/api/admin/users")).status, 403);
  } finally {
    await t.close();
  }
});

Deno.test("admin: add a user (password rules, taken names, roles), readable 400/404/409", async () => {
  const t = await testApp();
  try {
    const { alice } = await team(t);
    let r = await alice.json("POST", "/api/admin/users", {
      username: "dave",
      password: "dave-password-1",
      role: "admin",
    });
    assert.equal(r.status, 201);
    assert.deepEqual({ ...r.body, created_at: "x" }, {
      username: "dave",
      role: "admin",
      disabled: false,
      created_at: "x",
      last_login_at: null,
    });
    await new TestClient(t.app).login("dave", "dave-password-1");
    const cases: [string, string, unknown, number, string][] = [
      [
        "POST",
        "/api/admin/users",
        { username: "erin", password: "short" },
        400,
        "at least 12 characters",
      ],
      [
        "POST",
        "/api/admin/users",
        { username: "bad name", password: PASSWORD },
        400,
        "a username has",
      ],
      [
        "POST",
        "/api/admin/users",
        { username: "erin", password: PASSWORD, role: "root" },
        400,
        '"role" must be',
      ],
      [
        "POST",
        "/api/admin/users",
        { username: "BOB", password: PASSWORD },
        409,
        "the name is taken",
      ],
      ["PATCH", "/api/admin/users/nobody", { role: "admin" }, 404, "no such user"],
      ["PATCH", "/api/admin/users/bob", {}, 400, 'Send "role" or "disabled"'],
      [
        "PATCH",
        "/api/admin/users/bob",
        { disabled: "yes" },
        400,
        '"disabled" must be true or false',
      ],
      ["POST", "/api/admin/users/nobody/password", { password: PASSWORD }, 404, "no such user"],
      ["POST", "/api/admin/users/bob/password", { password: "short" }, 400, "at least 12"],
    ];
    for (const [method, path, body, status, message] of cases) {
      r = await alice.json(method, path, body);
      assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)}`);
      assert.ok(r.body.error.message.includes(message), r.body.error.message);
    }
    assert.equal(await t.store.getUserByName("erin"), null);
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: the last admin cannot demote or disable themselves; with two, one can", async () => {
  const t = await testApp();
  try {
    const { alice } = await team(t);
    for (const body of [{ role: "supervisor" }, { disabled: true }]) {
      const r = await alice.json("PATCH", "/api/admin/users/alice", body);
      assert.equal(r.status, 409, JSON.stringify(body));
      assert.equal(r.body.error.code, "last_admin");
      assert.match(r.body.error.message, /last admin/);
    }
    assert.equal((await t.store.getUserByName("alice"))?.role, "admin");
    assert.equal(
      (await alice.json("PATCH", "/api/admin/users/bob", { role: "admin" })).status,
      200,
    );
    const r = await alice.json("PATCH", "/api/admin/users/alice", { role: "supervisor" });
    assert.equal(r.status, 200);
    assert.equal((await t.store.getUserByName("alice"))?.role, "supervisor");
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: disabling ends the user's sessions at once and refuses sign-in like a wrong password", async () => {
  const t = await testApp();
  try {
    const { alice, bob } = await team(t);
    assert.equal((await bob.json("GET", "/api/conversations")).status, 200);
    const r = await alice.json("PATCH", "/api/admin/users/bob", { disabled: true });
    assert.equal(r.status, 200);
    assert.equal(r.body.disabled, true);
    assert.equal((await bob.json("GET", "/api/conversations")).status, 401);
    const denied = await new TestClient(t.app).json("POST", "/api/auth/login", {
      username: "bob",
      password: PASSWORD,
    });
    const wrong = await new TestClient(t.app).json("POST", "/api/auth/login", {
      username: "carol",
      password: "not-her-password",
    });
    assert.equal(denied.status, 401);
    assert.deepEqual(denied.body, wrong.body);
    assert.equal(
      (await alice.json("PATCH", "/api/admin/users/bob", { disabled: false })).status,
      200,
    );
    await new TestClient(t.app).login("bob");
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: an admin's password reset ends that user's sessions; the new password works", async () => {
  const t = await testApp();
  try {
    const { alice, bob } = await team(t);
    const res = await alice.request("POST", "/api/admin/users/bob/password", {
      password: "brand-new-password",
    });
    assert.equal(res.status, 204);
    assert.equal((await bob.json("GET", "/api/conversations")).status, 401);
    await assert.rejects(() => new TestClient(t.app).login("bob"));
    await new TestClient(t.app).login("bob", "brand-new-password");
    // The admin's own session is untouched.
    assert.equal((await alice.json("GET", "/api/admin/users")).status, 200);
  } finally {
    await t.close();
  }
});

/** alice's conversation with one answer that shows a report and a table. */
async function sharedSetup(t: TestApp) {
  const clients = await team(t);
  const { alice } = clients;
  const { body: conv } = await alice.json("POST", "/api/conversations", { title: "Queues" });
  const turn = await alice.json("POST", `/api/conversations/${conv.id}/turns`, {
    message: "How many calls?",
  });
  await t.app.context.turns.wait(turn.body.turn_id);
  const aliceId = (await t.store.getUserByName("alice"))!.id;
  await t.store.saveReport(report(aliceId, "r_shown1"));
  await t.store.saveReport(report(aliceId, "r_private1"));
  await t.store.saveTable({ ...report(aliceId, "t_shown1"), kind: "listing" });
  await t.store.appendMessage(aliceId, conv.id, {
    role: "assistant",
    content: "Here it is.",
    reports: [{ id: "r_shown1", title: "Calls", rows: 1, download: "/api/reports/r_shown1" }],
    tables: [{
      title: "Calls",
      columns: ["n"],
      rows: [[1]],
      total_rows: 1,
      download: "/api/tables/t_shown1/xlsx",
    }],
  });
  return { ...clients, conv, turnId: turn.body.turn_id as string };
}

Deno.test("security: idor: a shared conversation is readable by the teammate, not writable (403), and 404 for a stranger", async () => {
  const t = await testApp();
  try {
    const { alice, bob, carol, conv, turnId } = await sharedSetup(t);
    let r = await alice.json("POST", `/api/conversations/${conv.id}/shares`, { username: "bob" });
    assert.equal(r.status, 201);
    assert.equal(r.body.username, "bob");
    r = await alice.json("GET", `/api/conversations/${conv.id}/shares`);
    assert.deepEqual(r.body.shares.map((s: { username: string }) => s.username), ["bob"]);
    // bob reads it…
    r = await bob.json("GET", `/api/conversations/${conv.id}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.title, "Queues");
    assert.equal(r.body.read_only, true);
    assert.equal(r.body.shared_by, "alice");
    assert.equal(r.body.messages.at(-1).reports[0].id, "r_shown1");
    const count = r.body.messages.length;
    r = await bob.json("GET", "/api/conversations");
    assert.deepEqual(r.body.conversations, []);
    assert.deepEqual(
      r.body.shared_with_me.map((c: { id: string; shared_by: string }) => [c.id, c.shared_by]),
      [[conv.id, "alice"]],
    );
    // …and downloads what it shows, but not alice's other reports.
    const dl = await bob.request("GET", "/api/reports/r_shown1");
    assert.equal(dl.status, 200);
    assert.equal(await dl.text(), "PK fake xlsx");
    const tdl = await bob.request("GET", "/api/tables/t_shown1/xlsx");
    assert.equal(tdl.status, 200);
    await tdl.body?.cancel();
    assert.equal((await bob.json("GET", "/api/reports/r_private1")).status, 404);
    // The owner's view says nothing of read-only.
    r = await alice.json("GET", `/api/conversations/${conv.id}`);
    assert.equal(r.body.read_only, undefined);
    // bob cannot change it.
    const writes: [string, string, unknown?][] = [
      ["POST", `/api/conversations/${conv.id}/turns`, { message: "hi" }],
      ["PATCH", `/api/conversations/${conv.id}`, { title: "Mine now" }],
      ["DELETE", `/api/conversations/${conv.id}`],
      ["POST", `/api/turns/${turnId}/feedback`, { rating: "down" }],
      ["POST", `/api/conversations/${conv.id}/shares`, { username: "carol" }],
      ["GET", `/api/conversations/${conv.id}/shares`],
      ["DELETE", `/api/conversations/${conv.id}/shares/bob`],
    ];
    for (const [method, path, body] of writes) {
      r = await bob.json(method, path, body);
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.body.error.code, "read_only");
      assert.match(r.body.error.message, /shared with you read-only by alice/);
    }
    r = await alice.json("GET", `/api/conversations/${conv.id}`);
    assert.equal(r.body.title, "Queues");
    assert.equal(r.body.messages.length, count);
    assert.ok(r.body.messages.every((m: { feedback?: unknown }) => m.feedback === undefined));
    // carol, a stranger, gets 404 for everything.
    for (
      const [method, path, body] of [
        ["GET", `/api/conversations/${conv.id}`],
        ...writes,
        ["GET", "/api/reports/r_shown1"],
        ["GET", "/api/tables/t_shown1/xlsx"],
      ] as [string, string, unknown?][]
    ) {
      r = await carol.json(method, path, body);
      assert.equal(r.status, 404, `carol ${method} ${path}`);
    }
    // Unknown teammates and oneself are refused with a readable 400.
    r = await alice.json("POST", `/api/conversations/${conv.id}/shares`, { username: "zed" });
    assert.deepEqual(r.body.error, {
      code: "unknown_teammate",
      message: 'No teammate named "zed"',
    });
    r = await alice.json("POST", `/api/conversations/${conv.id}/shares`, { username: "alice" });
    assert.equal(r.status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("security: idor: unsharing makes the conversation and its downloads 404 for the teammate at once", async () => {
  const t = await testApp();
  try {
    const { alice, bob, conv } = await sharedSetup(t);
    await alice.json("POST", `/api/conversations/${conv.id}/shares`, { username: "bob" });
    assert.equal((await bob.json("GET", `/api/conversations/${conv.id}`)).status, 200);
    const res = await alice.request("DELETE", `/api/conversations/${conv.id}/shares/bob`);
    assert.equal(res.status, 204);
    for (
      const path of [
        `/api/conversations/${conv.id}`,
        "/api/reports/r_shown1",
        "/api/tables/t_shown1/xlsx",
      ]
    ) {
      const r = await bob.json("GET", path);
      assert.equal(r.status, 404, path);
    }
    let r = await bob.json("PATCH", `/api/conversations/${conv.id}`, { title: "x" });
    assert.equal(r.status, 404);
    r = await bob.json("GET", "/api/conversations");
    assert.deepEqual(r.body.shared_with_me, []);
    r = await alice.json("DELETE", `/api/conversations/${conv.id}/shares/bob`);
    assert.equal(r.status, 404);
    // Deleting a shared conversation ends its shares too.
    await alice.json("POST", `/api/conversations/${conv.id}/shares`, { username: "bob" });
    assert.equal((await alice.request("DELETE", `/api/conversations/${conv.id}`)).status, 204);
    assert.deepEqual(await t.store.listSharedWith((await t.store.getUserByName("bob"))!.id), []);
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: the audit log records sign-ins (with the address), downloads and shares; the CSV export neutralises formulas", async () => {
  const t = await testApp({ env: { TRUSTED_PROXIES: "" } });
  try {
    const { alice, bob, conv } = await sharedSetup(t);
    t.clock.advance(1000);
    const evil = new TestClient(t.app);
    evil.address = "203.0.113.9";
    const failed = await evil.json("POST", "/api/auth/login", {
      username: '=HYPERLINK("http://x")',
      password: "whatever-it-is",
    });
    assert.equal(failed.status, 401);
    const ok = new TestClient(t.app);
    ok.address = "198.51.100.7";
    await ok.login("carol");
    await alice.json("POST", `/api/conversations/${conv.id}/shares`, { username: "bob" });
    assert.equal((await bob.request("GET", "/api/reports/r_shown1")).status, 200);
    assert.equal((await bob.request("POST", "/api/auth/logout")).status, 204);

    const { body } = await alice.json("GET", "/api/admin/audit");
    const kinds = body.entries.map((e: { kind: string }) => e.kind);
    for (const k of ["login", "login_failed", "share", "report_download", "logout"]) {
      assert.ok(kinds.includes(k), `${k} in ${kinds}`);
    }
    const login = body.entries.find((e: { kind: string; username: string }) =>
      e.kind === "login" && e.username === "carol"
    );
    assert.equal(login.address, "198.51.100.7");
    const fail = body.entries.find((e: { kind: string }) => e.kind === "login_failed");
    assert.equal(fail.address, "203.0.113.9");
    assert.equal(fail.user_id, null);
    const dl = body.entries.find((e: { kind: string }) => e.kind === "report_download");
    assert.deepEqual([dl.username, dl.target, dl.detail], ["bob", "r_shown1", "xlsx"]);
    const share = body.entries.find((e: { kind: string }) => e.kind === "share");
    assert.deepEqual([share.username, share.target, share.detail], ["alice", conv.id, "with bob"]);

    // Filters: by kind, by user, by date range.
    let r = await alice.json("GET", "/api/admin/audit?kind=report_download");
    assert.deepEqual(r.body.entries.map((e: { kind: string }) => e.kind), ["report_download"]);
    r = await alice.json("GET", "/api/admin/audit?user=bob");
    assert.ok(r.body.entries.length >= 3);
    assert.ok(r.body.entries.every((e: { username: string }) => e.username === "bob"));
    r = await alice.json("GET", "/api/admin/audit?from=2030-01-02");
    assert.deepEqual(r.body.entries, []);
    r = await alice.json("GET", "/api/admin/audit?from=2030-01-01&to=2030-01-01");
    assert.equal(r.body.entries?.length, body.entries.length, JSON.stringify(r.body));
    r = await alice.json("GET", "/api/admin/audit?kind=bogus");
    assert.equal(r.status, 400);
    r = await alice.json("GET", "/api/admin/audit?from=yesterday");
    assert.equal(r.status, 400);

    const csv = await alice.request("GET", "/api/admin/audit.csv?kind=login_failed");
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get("content-type")!, /^text\/csv/);
    assert.match(
      csv.headers.get("content-disposition")!,
      /^attachment; filename="audit-2030-01-01\.csv"$/,
    );
    const text = await csv.text();
    const lines = text.trimEnd().split("\r\n");
    assert.equal(lines[0], "at,kind,user,address,target,detail,id");
    assert.equal(lines.length, 2);
    assert.ok(lines[1].includes(`"'=HYPERLINK(""http://x"")"`), lines[1]);
    assert.ok(!/,=HYPERLINK/.test(text));
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: the audit log is append-only through the API (no write methods)", async () => {
  const t = await testApp();
  try {
    const { alice } = await team(t);
    for (const method of ["POST", "DELETE", "PATCH"]) {
      const r = await alice.request(
        method,
        "/api/admin/audit",
        method === "DELETE" ? undefined : {},
      );
      assert.equal(r.status, 405, method);
      await r.body?.cancel();
    }
  } finally {
    await t.close();
  }
});

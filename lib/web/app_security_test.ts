/**
 * Security tests of the app's handlers (named "security: …" so a suite can collect them):
 * open redirects, parallel and flooding logins, request bodies.
 */
import assert from "node:assert/strict";
import { ORIGIN, testApp, TestClient } from "./test_helpers.ts";

Deno.test("security: a signed-in /login?next= redirect stays on this site", async () => {
  const t = await testApp();
  try {
    const c = await new TestClient(t.app).login("alice");
    const cases: [string, string][] = [
      ["%2F%09%2Fevil.example%2F", "/"],
      ["%2F%0A%2Fevil.example%2F", "/"],
      ["%2F%0D%0A%2Fevil.example%2F", "/"],
      ["%2F%2Fevil.example%2F", "/"],
      ["%2F%5Cevil.example", "/"],
      ["https%3A%2F%2Fevil.example", "/"],
      ["%2F.%2F%2Fevil.example", "/"],
      ["%2F%3Fc%3Dabc", "/?c=abc"],
    ];
    for (const [next, want] of cases) {
      const res = await c.request("GET", `/login?next=${next}`);
      await res.body?.cancel();
      assert.equal(res.status, 303, next);
      const location = res.headers.get("location")!;
      assert.equal(location, want, next);
      assert.equal(new URL(location, ORIGIN).origin, ORIGIN, next);
    }
  } finally {
    await t.close();
  }
});

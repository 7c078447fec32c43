import assert from "node:assert/strict";
import {
  hashPassword,
  PBKDF2_ITERATIONS,
  timingSafeEqual,
  verifyDummy,
  verifyPassword,
} from "./password.ts";

Deno.test("security: auth: hashPassword stores PBKDF2-SHA256 with OWASP iterations and a 16-byte salt", async () => {
  const h = await hashPassword("correct horse");
  assert.equal(h.alg, "pbkdf2-sha256");
  assert.equal(h.iterations, 600_000);
  assert.equal(PBKDF2_ITERATIONS, 600_000);
  assert.equal(atob(h.salt).length, 16);
  assert.equal(atob(h.hash).length, 32);
  assert.ok(await verifyPassword("correct horse", h));
  assert.ok(!await verifyPassword("correct horsE", h));
});

Deno.test("security: auth: the same password gets a different salt and hash each time", async () => {
  const a = await hashPassword("pw", { iterations: 1000 });
  const b = await hashPassword("pw", { iterations: 1000 });
  assert.notEqual(a.salt, b.salt);
  assert.notEqual(a.hash, b.hash);
  assert.ok(await verifyPassword("pw", b));
});

Deno.test("security: auth: unknown algorithms and the dummy never verify", async () => {
  const h = await hashPassword("pw", { iterations: 1000 });
  assert.ok(!await verifyPassword("pw", { ...h, alg: "md5" as "pbkdf2-sha256" }));
  assert.ok(!await verifyPassword("pw", { ...h, iterations: 0 }));
  assert.equal(await verifyDummy("pw", 1000), false);
});

Deno.test("security: auth: timingSafeEqual compares bytes and lengths", () => {
  const b = (s: string) => new TextEncoder().encode(s);
  assert.ok(timingSafeEqual(b("abc"), b("abc")));
  assert.ok(!timingSafeEqual(b("abc"), b("abd")));
  assert.ok(!timingSafeEqual(b("abc"), b("abcd")));
});

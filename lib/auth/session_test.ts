import assert from "node:assert/strict";
import { openStore } from "../kv.ts";
import {
  cookieSecure,
  createSession,
  hashToken,
  newToken,
  readCookie,
  resolveSession,
  sessionCookie,
} from "./session.ts";

Deno.test("security: auth: tokens are 256-bit base64url and differ every time", () => {
  const a = newToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, newToken());
});

Deno.test("security: auth: sessions resolve to their user and end with the user", async () => {
  const store = await openStore(":memory:");
  try {
    const user = (await store.createUser("ann", {
      alg: "pbkdf2-sha256",
      iterations: 1,
      salt: "AA==",
      hash: "AA==",
    }))!;
    const now = new Date("2030-01-01T00:00:00Z");
    const { token } = await createSession(store, user.id, now, {
      sessionIdleMinutes: 10,
      sessionMaxHours: 1,
    });
    assert.equal((await resolveSession(store, token, now))?.user.id, user.id);
    assert.equal(await resolveSession(store, "not a token!", now), null);
    assert.equal(await resolveSession(store, newToken(), now), null);
    await store.removeUser(user.id);
    assert.equal(await resolveSession(store, token, now), null);
    assert.equal(await store.getSession(hashToken(token), now), null);
  } finally {
    store.close();
  }
});

Deno.test("security: auth: cookies: flags, Secure per mode, reading one cookie among many", () => {
  assert.equal(
    sessionCookie("abc", 60, true),
    "cca_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure",
  );
  const http = new Request("http://x/");
  const https = new Request("https://x/");
  const proxied = new Request("http://x/", { headers: { "X-Forwarded-Proto": "https" } });
  assert.deepEqual(
    [cookieSecure(http, "auto"), cookieSecure(https, "auto"), cookieSecure(proxied, "auto")],
    [false, true, true],
  );
  assert.equal(cookieSecure(http, "always"), true);
  assert.equal(cookieSecure(https, "never"), false);
  const r = new Request("http://x/", { headers: { Cookie: "a=1; cca_session=tok; b=2" } });
  assert.equal(readCookie(r, "cca_session"), "tok");
  assert.equal(readCookie(r, "c"), null);
});

Deno.test("session keys are the token's SHA-256 in hex, as stored sessions were keyed", () => {
  assert.equal(
    hashToken("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

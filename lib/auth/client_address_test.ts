import assert from "node:assert/strict";
import {
  addressKey,
  clientAddress,
  compileTrustedProxies,
  trustedProxiesProblem,
} from "./client_address.ts";

function req(forwardedFor?: string): Request {
  return new Request("http://localhost/api/auth/login", {
    headers: forwardedFor === undefined ? {} : { "X-Forwarded-For": forwardedFor },
  });
}

Deno.test("security: auth: X-Forwarded-For is ignored unless TRUSTED_PROXIES is set", () => {
  const none = compileTrustedProxies([]);
  assert.equal(clientAddress(req("1.2.3.4"), "203.0.113.9", none), "203.0.113.9");
  assert.equal(clientAddress(req(), "::ffff:127.0.0.1", none), "127.0.0.1");
  assert.equal(clientAddress(req("1.2.3.4"), null, none), null);
});

Deno.test("security: auth: behind trusted proxies, the nearest untrusted hop is the client", () => {
  const trust = compileTrustedProxies(["loopback", "10.0.0.0/8"]);
  // proxy (127.0.0.1) ← 10.1.1.1 (trusted) ← 198.51.100.7 (the client) ← a spoofed hop
  assert.equal(
    clientAddress(req("6.6.6.6, 198.51.100.7, 10.1.1.1"), "127.0.0.1", trust),
    "198.51.100.7",
  );
  // A direct connection from an untrusted address cannot claim another one.
  assert.equal(clientAddress(req("10.9.9.9"), "203.0.113.9", trust), "203.0.113.9");
  // A trusted proxy that sent no header is itself the client.
  assert.equal(clientAddress(req(), "10.0.0.2", trust), "10.0.0.2");
});

Deno.test("security: auth: TRUSTED_PROXIES entries are validated", () => {
  assert.equal(trustedProxiesProblem(["127.0.0.1", "10.0.0.0/8", "::1", "uniquelocal"]), null);
  assert.match(trustedProxiesProblem(["proxy.example"])!, /proxy\.example/);
  assert.match(trustedProxiesProblem(["10.0.0.0/40"])!, /10\.0\.0\.0\/40/);
});

Deno.test("security: auth: IPv6 clients are counted per /64; IPv4 per address", () => {
  assert.equal(addressKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  assert.equal(addressKey("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
  assert.notEqual(addressKey("2001:db8:1:3::1"), addressKey("2001:db8:1:2::1"));
  assert.equal(addressKey("::ffff:192.0.2.1"), "192.0.2.1");
  assert.equal(addressKey("192.0.2.1"), "192.0.2.1");
});

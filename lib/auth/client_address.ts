/**
 * The client address a login is counted against. It comes from the connection; the
 * `X-Forwarded-For` header is read only when the connection comes from a proxy listed in
 * `TRUSTED_PROXIES` (and then only as far as the chain of trusted proxies goes), so a client
 * cannot pick its own address. IPv6 clients are counted per /64, the block one host or one
 * customer usually has.
 */
import ipaddr from "ipaddr.js";
import proxyaddr from "proxy-addr";

/** A compiled list of trusted proxies: true when an address is one of them. */
export type ProxyTrust = (address: string, hop: number) => boolean;

/**
 * Compiles `TRUSTED_PROXIES` entries: IP addresses, CIDR ranges (`10.0.0.0/8`) and the
 * names `loopback`, `linklocal`, `uniquelocal`. Throws a TypeError naming a bad entry.
 */
export function compileTrustedProxies(entries: readonly string[]): ProxyTrust {
  if (entries.length === 0) return () => false;
  return proxyaddr.compile([...entries]) as ProxyTrust;
}

/** Why a `TRUSTED_PROXIES` value is invalid, or null. */
export function trustedProxiesProblem(entries: readonly string[]): string | null {
  try {
    compileTrustedProxies(entries);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * The client's address: the connection's, or, behind trusted proxies, the nearest
 * `X-Forwarded-For` entry that is not a trusted proxy. Null when the connection is unknown.
 */
export function clientAddress(
  req: Request,
  socketAddress: string | null,
  trust: ProxyTrust,
): string | null {
  if (!socketAddress) return null;
  const forwardedFor = req.headers.get("x-forwarded-for");
  const fake = {
    socket: { remoteAddress: socketAddress },
    connection: { remoteAddress: socketAddress },
    headers: forwardedFor === null ? {} : { "x-forwarded-for": forwardedFor },
  };
  const address = proxyaddr(fake as never, trust) as string;
  return normalizeAddress(address);
}

/** Canonical text of an IP address (IPv4-mapped IPv6 as IPv4); other text as given. */
export function normalizeAddress(address: string): string {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!ipaddr.isValid(bare)) return address;
  return ipaddr.process(bare).toString();
}

/** The key a client address is counted under: the address, or its /64 for IPv6. */
export function addressKey(address: string): string {
  const bare = normalizeAddress(address);
  if (!ipaddr.isValid(bare)) return bare.slice(0, 64);
  const ip = ipaddr.process(bare);
  if (ip.kind() === "ipv4") return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(":")}::/64`;
}

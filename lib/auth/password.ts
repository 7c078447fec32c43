/**
 * Password hashing with PBKDF2-HMAC-SHA256 from WebCrypto at OWASP's parameters
 * (600,000 iterations, 16-byte random salt, 32-byte hash). The stored record names the
 * algorithm and its parameters, so they can be raised later without breaking old hashes.
 */

/** A stored password hash. */
export interface PasswordHash {
  alg: "pbkdf2-sha256";
  iterations: number;
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
}

/** OWASP's recommendation for PBKDF2-HMAC-SHA256 (2023). */
export const PBKDF2_ITERATIONS = 600_000;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

/** Options of {@linkcode hashPassword}. */
export interface HashOptions {
  /** Lower only in tests. */
  iterations?: number;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function derive(
  password: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password.normalize("NFC")),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    HASH_BYTES * 8,
  );
  return new Uint8Array(bits);
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword(
  password: string,
  options: HashOptions = {},
): Promise<PasswordHash> {
  const iterations = options.iterations ?? PBKDF2_ITERATIONS;
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  return {
    alg: "pbkdf2-sha256",
    iterations,
    salt: toBase64(salt),
    hash: toBase64(await derive(password, salt, iterations)),
  };
}

/** Compares two byte strings in time that depends only on their lengths. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** True when `password` matches the stored hash. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  if (stored.alg !== "pbkdf2-sha256" || !(stored.iterations > 0)) return false;
  const actual = await derive(password, fromBase64(stored.salt), stored.iterations);
  return timingSafeEqual(actual, fromBase64(stored.hash));
}

let dummy: Promise<PasswordHash> | null = null;
let dummyIterations = 0;

/**
 * Spends the time of one verification without a user (so unknown users cannot be told
 * from wrong passwords by timing). Always false.
 */
export async function verifyDummy(
  password: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<false> {
  if (!dummy || dummyIterations !== iterations) {
    dummyIterations = iterations;
    dummy = hashPassword("dummy password for unknown users", { iterations });
  }
  await verifyPassword(password, await dummy);
  return false;
}

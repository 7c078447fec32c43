/**
 * User accounts: validation and the operations of `deno task user` and the demo user.
 */
import type { Config } from "../config.ts";
import type { Store, UserRecord } from "../kv.ts";
import { type HashOptions, hashPassword, verifyPassword } from "./password.ts";

/** Thrown when a user operation cannot be done; the message says why. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

/** Why a username is not acceptable, or null. */
export function usernameProblem(name: string): string | null {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(name)) {
    return "a username has 1 to 64 letters, digits, dots, dashes, underscores or @, " +
      "starting with a letter or digit";
  }
  return null;
}

/** The shortest password accepted (OWASP ASVS 2.1.1: at least 12 characters). */
export const MIN_PASSWORD_LENGTH = 12;

/** Why a new password is not acceptable, or null. */
export function passwordProblem(password: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  }
  if (password.length > 1024) return "a password has at most 1024 characters";
  return null;
}

/** Creates a user (validated). */
export async function addUser(
  store: Store,
  username: string,
  password: string,
  options: HashOptions = {},
): Promise<UserRecord> {
  const p = usernameProblem(username) ?? passwordProblem(password);
  if (p) throw new UserError(`Cannot add user "${username}": ${p}`);
  const user = await store.createUser(username, await hashPassword(password, options));
  if (!user) throw new UserError(`Cannot add user "${username}": the name is taken`);
  return user;
}

/** Sets a user's password and ends their sessions. */
export async function changePassword(
  store: Store,
  username: string,
  password: string,
  options: HashOptions = {},
): Promise<void> {
  const p = passwordProblem(password);
  if (p) throw new UserError(`Cannot change the password of "${username}": ${p}`);
  const user = await store.getUserByName(username);
  if (!user) throw new UserError(`Cannot change the password of "${username}": no such user`);
  await store.setPassword(user.id, await hashPassword(password, options));
  await store.deleteUserSessions(user.id);
}

/** Removes a user with their sessions, conversations and reports. */
export async function removeUser(store: Store, username: string): Promise<void> {
  const user = await store.getUserByName(username);
  if (!user) throw new UserError(`Cannot remove user "${username}": no such user`);
  await store.removeUser(user.id);
}

/**
 * Creates the demo user when the user store is empty and `DEMO_USER` is set; its password
 * follows the same rules as every other. Returns the line to print at start
 * ("Demo login: demo / demo-supervisor") when the demo login works, else null.
 *
 * With the demo account off (`DEMO_USER=off`, `auth.retiredDemo` set), the account an
 * earlier start created keeps its data but its demo password stops working: see
 * {@linkcode retireDemoUser}. Several instances starting at once on one KV create the
 * demo user once; the others find it.
 */
export async function ensureDemoUser(
  store: Store,
  auth: Pick<Config["auth"], "demoUser" | "demoPassword" | "retiredDemo">,
  options: HashOptions = {},
): Promise<string | null> {
  if (!auth.demoUser) {
    if (auth.retiredDemo) await retireDemoUser(store, auth.retiredDemo, options);
    return null;
  }
  const line = `Demo login: ${auth.demoUser} / ${auth.demoPassword}`;
  if (await store.countUsers() === 0) {
    const p = usernameProblem(auth.demoUser) ?? passwordProblem(auth.demoPassword);
    if (p) throw new UserError(`Cannot add user "${auth.demoUser}": ${p}`);
    const hash = await hashPassword(auth.demoPassword, options);
    // Null: another instance created it first; its password is checked below.
    if (await store.createUser(auth.demoUser, hash)) return line;
  }
  const user = await store.getUserByName(auth.demoUser);
  return user && await verifyPassword(auth.demoPassword, user.password) ? line : null;
}

/**
 * Turns off the demo password of the account `retired.username`: when one of
 * `retired.passwords` still opens it, its password becomes a random one nobody knows and
 * its sessions end (its conversations and reports stay; `deno task user passwd` gives it a
 * password again). Returns true when it did so.
 */
export async function retireDemoUser(
  store: Store,
  retired: { username: string; passwords: string[] },
  options: HashOptions = {},
): Promise<boolean> {
  const user = await store.getUserByName(retired.username);
  if (!user) return false;
  let opens = false;
  for (const password of retired.passwords) {
    if (await verifyPassword(password, user.password)) {
      opens = true;
      break;
    }
  }
  if (!opens) return false;
  const random = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  await store.setPassword(user.id, await hashPassword(random, options));
  await store.deleteUserSessions(user.id);
  return true;
}

/**
 * User accounts: validation and the operations of `deno task user` and the demo user.
 */
import type { Config } from "../config.ts";
import type { Store, UserRecord, UserRole } from "../kv.ts";
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

/** The roles a user can have. */
export const ROLES: readonly UserRole[] = ["admin", "supervisor"];

/** A user's role: records written before roles existed (and the demo user) are supervisors. */
export function roleOf(user: Pick<UserRecord, "role">): UserRole {
  return user.role === "admin" ? "admin" : "supervisor";
}

/** True when `value` names a role. */
export function isRole(value: unknown): value is UserRole {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Options of {@linkcode addUser}. */
export interface AddUserOptions extends HashOptions {
  /** Default `supervisor`. */
  role?: UserRole;
}

/** Creates a user (validated). */
export async function addUser(
  store: Store,
  username: string,
  password: string,
  options: AddUserOptions = {},
): Promise<UserRecord> {
  const p = usernameProblem(username) ?? passwordProblem(password);
  if (p) throw new UserError(`Cannot add user "${username}": ${p}`);
  const user = await store.createUser(
    username,
    await hashPassword(password, { iterations: options.iterations }),
    { role: options.role ?? "supervisor" },
  );
  if (!user) throw new NameTakenError(`Cannot add user "${username}": the name is taken`);
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
  if (!user) {
    throw new NoSuchUserError(`Cannot change the password of "${username}": no such user`);
  }
  await store.setPassword(user.id, await hashPassword(password, options));
  await store.deleteUserSessions(user.id);
}

/** Removes a user with their sessions, conversations, reports and shares. */
export async function removeUser(store: Store, username: string): Promise<void> {
  const user = await store.getUserByName(username);
  if (!user) throw new UserError(`Cannot remove user "${username}": no such user`);
  if (roleOf(user) === "admin" && !user.disabled) {
    const admins = (await store.listUsers()).filter((u) => roleOf(u) === "admin" && !u.disabled);
    if (admins.length <= 1) {
      throw new LastAdminError(`Cannot remove "${user.username}": they are the last admin`);
    }
  }
  await store.deleteUserShares(user.id);
  await store.removeUser(user.id);
}

/** Thrown when a new user's name is taken (case-insensitive). */
export class NameTakenError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "NameTakenError";
  }
}

/** Thrown when a change would leave no enabled admin. */
export class LastAdminError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "LastAdminError";
  }
}

/** Thrown when the named user does not exist. */
export class NoSuchUserError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "NoSuchUserError";
  }
}

async function named(store: Store, username: string, what: string): Promise<UserRecord> {
  const user = await store.getUserByName(username);
  if (!user) throw new NoSuchUserError(`Cannot ${what} "${username}": no such user`);
  return user;
}

/** Gives a user a role; refuses to demote the last enabled admin. */
export async function setRole(store: Store, username: string, role: UserRole): Promise<UserRecord> {
  if (!isRole(role)) throw new UserError(`A role is "admin" or "supervisor", not "${role}"`);
  const user = await named(store, username, "change the role of");
  const r = await store.updateUser(user.id, { role });
  if (r === "not_found") {
    throw new NoSuchUserError(`Cannot change the role of "${username}": no such user`);
  }
  if (r === "last_admin") {
    throw new LastAdminError(
      `Cannot make "${user.username}" a supervisor: they are the last admin`,
    );
  }
  return { ...user, role };
}

/**
 * Disables or enables a user. Disabling ends their sessions at once (and sign-in is refused
 * as for a wrong password); the last enabled admin cannot be disabled.
 */
export async function setDisabled(
  store: Store,
  username: string,
  disabled: boolean,
): Promise<UserRecord> {
  const user = await named(store, username, disabled ? "disable" : "enable");
  const r = await store.updateUser(user.id, { disabled });
  if (r === "not_found") throw new NoSuchUserError(`Cannot disable "${username}": no such user`);
  if (r === "last_admin") {
    throw new LastAdminError(`Cannot disable "${user.username}": they are the last admin`);
  }
  if (disabled) await store.deleteUserSessions(user.id);
  return { ...user, disabled };
}

/**
 * The role of a user added by `deno task user add`: admin when asked, or when no admin
 * exists yet (the first user of a store, or the first after an upgrade to roles).
 */
export async function defaultRoleForNewUser(store: Store, admin: boolean): Promise<UserRole> {
  if (admin) return "admin";
  const users = await store.listUsers();
  return users.some((u) => roleOf(u) === "admin" && !u.disabled) ? "supervisor" : "admin";
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

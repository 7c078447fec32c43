/**
 * `deno task user add|passwd|remove|list [NAME] [--password PASSWORD] [--admin]`,
 * `deno task user role NAME admin|supervisor`, `deno task user disable|enable NAME`: manages
 * accounts in
 * the app's KV store, opened as the app opens it (`KV_PATH`, or `KV_URL` for a remote KV
 * such as a self-hosted `denokv` or a Deno Deploy database). Without `--password`, the password is read from the
 * terminal (not echoed) or from the first line of stdin.
 *
 * `add` makes a supervisor, or an admin with `--admin` — and always when no enabled admin
 * exists yet (the first user, or the first after roles came). Disabling ends the user's
 * sessions; the last enabled admin cannot be demoted, disabled or removed.
 */
import { ConfigError, loadConfig } from "../lib/config.ts";
import {
  addUser,
  changePassword,
  defaultRoleForNewUser,
  isRole,
  removeUser,
  roleOf,
  setDisabled,
  setRole,
  UserError,
} from "../lib/auth/users.ts";
import { storeOver } from "../lib/kv.ts";
import { KvOpenError, openConfiguredKv } from "../lib/kv_connect.ts";

const USAGE = "Usage: deno task user add|passwd|remove NAME [--password PASSWORD] [--admin] | " +
  "role NAME admin|supervisor | disable|enable NAME | list";

function fail(message: string): never {
  console.error(message);
  Deno.exit(1);
}

async function readLine(): Promise<string> {
  const buf = new Uint8Array(1);
  const bytes: number[] = [];
  for (;;) {
    const n = await Deno.stdin.read(buf);
    if (n === null || buf[0] === 10 || buf[0] === 13) break;
    if (buf[0] === 3) fail("Cancelled"); // Ctrl-C in raw mode
    if (buf[0] === 127 || buf[0] === 8) bytes.pop();
    else bytes.push(buf[0]);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

async function promptPassword(label: string): Promise<string> {
  const tty = Deno.stdin.isTerminal();
  if (tty) {
    await Deno.stdout.write(new TextEncoder().encode(label));
    Deno.stdin.setRaw(true);
  }
  try {
    return await readLine();
  } finally {
    if (tty) {
      Deno.stdin.setRaw(false);
      await Deno.stdout.write(new TextEncoder().encode("\n"));
    }
  }
}

async function password(args: string[]): Promise<string> {
  const i = args.indexOf("--password");
  if (i >= 0) {
    if (args[i + 1] === undefined) fail("--password needs a value");
    return args[i + 1];
  }
  const eq = args.find((a) => a.startsWith("--password="));
  if (eq) return eq.slice("--password=".length);
  const first = await promptPassword("Password: ");
  if (Deno.stdin.isTerminal() && first !== await promptPassword("Repeat password: ")) {
    fail("The passwords differ");
  }
  return first;
}

async function main(args: string[]): Promise<void> {
  const [command, name, extra] = args.filter((a, i) =>
    !a.startsWith("--") && args[i - 1] !== "--password"
  );
  if (!command || (command !== "list" && !name)) fail(USAGE);
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  let kv;
  try {
    kv = await openConfiguredKv(config);
  } catch (e) {
    if (e instanceof KvOpenError) fail(e.message);
    throw e;
  }
  const store = storeOver(kv);
  try {
    switch (command) {
      case "add": {
        const role = await defaultRoleForNewUser(store, args.includes("--admin"));
        await addUser(store, name, await password(args), { role });
        console.log(`User "${name}" added (${role})`);
        break;
      }
      case "role":
        if (!isRole(extra)) fail(USAGE);
        await setRole(store, name, extra);
        console.log(`User "${name}" is now ${extra === "admin" ? "an admin" : "a supervisor"}`);
        break;
      case "disable":
        await setDisabled(store, name, true);
        console.log(`User "${name}" disabled; their sessions are signed out`);
        break;
      case "enable":
        await setDisabled(store, name, false);
        console.log(`User "${name}" enabled`);
        break;
      case "passwd":
        await changePassword(store, name, await password(args));
        console.log(`Password of "${name}" changed; their sessions are signed out`);
        break;
      case "remove":
        await removeUser(store, name);
        console.log(`User "${name}" removed with their sessions, conversations and reports`);
        break;
      case "list":
        for (const u of await store.listUsers()) {
          const status = u.disabled ? "disabled" : "active";
          console.log(`${u.username}\t${roleOf(u)}\t${status}\t${u.created_at}`);
        }
        break;
      default:
        fail(USAGE);
    }
  } catch (e) {
    if (e instanceof UserError) fail(e.message);
    throw e;
  } finally {
    store.close();
  }
}

if (import.meta.main) await main(Deno.args);

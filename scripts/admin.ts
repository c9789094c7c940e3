/**
 * Accounts from the command line — for automation and for the day nobody can sign in:
 *
 *   npm run admin -- create-user <username> [--role ADMIN] [--display-name <name>]
 *   npm run admin -- create-user <username> --project <code> [--role MANAGER|CASHIER|CONSULTANT|FINANCE|VIEWER]
 *   npm run admin -- reset-password <username> [--generate]
 *   npm run admin -- deactivate <username>
 *   npm run admin -- activate <username>
 *   npm run admin -- list-users
 *
 * Which database: DATABASE_URL when set; otherwise the embedded one of KAIPAN_DATA_DIR (default
 * .kaipan) as `npm start` uses it (server/src/infra/install-database.ts). Pending migrations are
 * applied first (an empty install can get its administrator before the first `npm start`).
 *
 * The password comes from KAIPAN_PASSWORD; when unset and stdin is a terminal it is asked for
 * (hidden, twice). It is never an argument: arguments show up in `ps` and shell history.
 *
 * Every change goes through the same functions as the web (server/src/services/user-service.ts) and
 * is audited with the actor `admin-cli` and the OS user. A running server notices ended sessions
 * within 5 s (its poll of PostgreSQL). Exit codes: 0 done, 1 refused (the message says why),
 * 2 bad usage.
 */
import os from 'node:os';
import { AppError, PROJECT_ROLES, passwordProblem, type PasswordRule, type ProjectRole } from '@kaipan/shared';
import { createDb, type Db } from '../server/src/infra/db.js';
import { openInstallDatabase } from '../server/src/infra/install-database.js';
import type { CommandLineActor } from '../server/src/services/audit.js';
import { setMembership } from '../server/src/services/member-service.js';
import {
  createUser,
  listAccounts,
  makeTemporaryPassword,
  resetPassword,
  setUserActive,
} from '../server/src/services/user-service.js';

const USAGE = `Kaipan accounts from the command line.

usage: npm run admin -- <command> [arguments]

commands:
  create-user <username> [--role ADMIN] [--project <code> [--role <role>]] [--display-name <name>]
                              a new account; the password from KAIPAN_PASSWORD, or asked for.
                              --role ADMIN: an administrator of the whole install (every project,
                              accounts). --project <code>: a member of that project with --role
                              MANAGER, CASHIER, CONSULTANT (default), FINANCE or VIEWER. Without
                              either: no role until a project's manager adds the account
  reset-password <username> [--generate]
                              a temporary password (KAIPAN_PASSWORD, asked for, or --generate: made up
                              and printed once); the user must choose a new one at the next sign-in,
                              and every session of theirs ends
  deactivate <username>       the user can no longer sign in; every session of theirs ends
  activate <username>         the user may sign in again
  list-users                  every account: ADMIN or its roles per project (CODE:ROLE), active, last sign-in

environment:
  KAIPAN_PASSWORD   the password (never an argument: arguments show in ps and shell history)
  DATABASE_URL      an external PostgreSQL; otherwise the embedded one of KAIPAN_DATA_DIR
  KAIPAN_DATA_DIR   as npm start (default .kaipan): the running server's database, or started for the command

exit codes: 0 done, 1 refused (the message says why), 2 bad usage`;

/** A refusal with its message for the terminal and the exit code. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

const RULE_TEXT: Record<PasswordRule, string> = {
  TOO_SHORT: 'the password must have at least 10 characters',
  TOO_LONG: 'the password must have at most 128 characters',
  CONTAINS_USERNAME: 'the password must not contain the username',
  TOO_COMMON: 'the password is one of the passwords everyone tries first',
  SAME_AS_CURRENT: 'the new password must differ from the current one',
};

interface Args {
  command: string | undefined;
  positional: string[];
  options: Map<string, string | true>;
}

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') options.set('help', true);
    else if (arg === '--generate') options.set('generate', true);
    else if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
      const value = inline ?? argv[i + 1];
      if (value === undefined || (inline === undefined && value.startsWith('--')))
        throw new CliError(`--${name} needs a value`, 2);
      if (inline === undefined) i += 1;
      options.set(name, value);
    } else positional.push(arg);
  }
  return { command: positional.shift(), positional, options };
}

/** Hidden input from the terminal (raw mode: nothing is echoed). */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const finish = (error?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish();
          return;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          finish(new CliError('cancelled', 1));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The password: KAIPAN_PASSWORD, else asked for twice on a terminal; a clear refusal otherwise. */
async function readPassword(username: string): Promise<string> {
  const fromEnv = process.env.KAIPAN_PASSWORD;
  let password: string;
  if (fromEnv !== undefined && fromEnv !== '') password = fromEnv;
  else if (process.stdin.isTTY) {
    password = await promptHidden(`Password for ${username}: `);
    if ((await promptHidden('Again: ')) !== password) throw new CliError('the two passwords differ', 1);
  } else {
    throw new CliError(
      'no password: set KAIPAN_PASSWORD (stdin is not a terminal, so the password cannot be asked for)',
      2,
    );
  }
  const rule = passwordProblem(password, username);
  if (rule) throw new CliError(RULE_TEXT[rule], 1);
  return password;
}

/** The database of this install (server/src/infra/install-database.ts), and how to let go of it. */
async function openDatabase(): Promise<{ db: Db; where: string; close: () => Promise<void> }> {
  const install = await openInstallDatabase();
  const db = createDb(install.url, 2);
  return {
    db,
    where: install.where,
    close: async () => {
      await db.$disconnect();
      await install.close();
    },
  };
}

async function userIdOf(db: Db, username: string): Promise<string> {
  const user = await db.user.findUnique({ where: { username }, select: { id: true } });
  if (!user) throw new CliError(`no user named "${username}"`, 1);
  return user.id;
}

function requireUsername(args: Args): string {
  const username = args.positional[0];
  if (!username) throw new CliError(`${args.command}: which username?\n\n${USAGE}`, 2);
  return username;
}

async function run(args: Args): Promise<void> {
  const actor: CommandLineActor = { kind: 'cli', device: `${os.userInfo().username}@${os.hostname()}` };
  const command = args.command;
  if (!command || args.options.has('help')) {
    console.log(USAGE);
    return;
  }
  if (!['create-user', 'reset-password', 'deactivate', 'activate', 'list-users'].includes(command))
    throw new CliError(`unknown command "${command}"\n\n${USAGE}`, 2);

  // Everything the terminal is asked for comes before the database is opened.
  let password: string | null = null;
  let admin = false;
  let seat: { projectCode: string; role: ProjectRole } | null = null;
  let generated = false;
  const username = command === 'list-users' ? '' : requireUsername(args);
  if (command === 'create-user') {
    const role = args.options.get('role');
    const project = args.options.get('project');
    if (role === 'ADMIN') {
      if (project !== undefined) throw new CliError('--role ADMIN is for the whole install: no --project', 2);
      admin = true;
    } else if (project !== undefined || role !== undefined) {
      if (typeof project !== 'string')
        throw new CliError(`--role ${String(role)}: in which project? (--project <code>)`, 2);
      const projectRole = role ?? 'CONSULTANT';
      if (!PROJECT_ROLES.includes(projectRole as ProjectRole))
        throw new CliError(`--role: ADMIN, or a project role (${PROJECT_ROLES.join(', ')}), not "${projectRole}"`, 2);
      seat = { projectCode: project, role: projectRole as ProjectRole };
    }
    password = await readPassword(username);
  } else if (command === 'reset-password') {
    generated = args.options.has('generate');
    password = generated ? makeTemporaryPassword() : await readPassword(username);
  }

  const { db, where, close } = await openDatabase();
  try {
    console.error(`kaipan admin: ${where}`);
    switch (command) {
      case 'create-user': {
        const displayName = String(args.options.get('display-name') ?? username);
        const project = seat
          ? await db.project.findUnique({ where: { code: seat.projectCode }, select: { id: true } })
          : null;
        if (seat && !project) throw new CliError(`no project with the code "${seat.projectCode}"`, 1);
        const created = await createUser(db, { username, displayName, password: password!, admin }, actor);
        // A new account is in nobody's cache: a running server sees the seat at its first sign-in.
        if (seat && project) await setMembership(db, actor, project.id, created.id, { role: seat.role });
        console.log(
          `created ${admin ? 'administrator' : 'user'} ${created.username} (id ${created.id})` +
            (seat ? `, ${seat.role} of ${seat.projectCode}` : ''),
        );
        break;
      }
      case 'reset-password': {
        await resetPassword(db, actor, await userIdOf(db, username), password!);
        console.log(
          generated
            ? `temporary password of ${username}: ${password} (they choose a new one at their next sign-in)`
            : `password of ${username} reset; they choose a new one at their next sign-in`,
        );
        break;
      }
      case 'deactivate':
      case 'activate': {
        const { ended } = await setUserActive(db, actor, await userIdOf(db, username), command === 'activate');
        console.log(
          command === 'activate'
            ? `${username} may sign in again`
            : `${username} deactivated; ${ended?.rows.length ?? 0} session(s) ended`,
        );
        break;
      }
      case 'list-users': {
        const [users, seats] = await Promise.all([
          listAccounts(db),
          db.projectMember.findMany({
            select: { userId: true, role: true, project: { select: { code: true } } },
            orderBy: { project: { code: 'asc' } },
          }),
        ]);
        const rolesOf = (userId: string): string =>
          seats
            .filter((s) => s.userId === userId)
            .map((s) => `${s.project.code}:${s.role}`)
            .join(',') || '-';
        const rows = users.map((u) => [
          u.username,
          u.displayName,
          u.admin ? 'ADMIN' : rolesOf(u.id),
          u.active ? 'active' : 'deactivated',
          u.lastSignInAt ?? 'never',
        ]);
        const header = ['USERNAME', 'NAME', 'ROLE', 'STATUS', 'LAST SIGN-IN'];
        const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]!].length)));
        for (const row of [header, ...rows])
          console.log(
            row
              .map((c, i) => c.padEnd(widths[i]!))
              .join('  ')
              .trimEnd(),
          );
        break;
      }
    }
  } finally {
    await close();
  }
}

run(parseArgs(process.argv.slice(2))).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof CliError) {
      console.error(`kaipan admin: ${error.message}`);
      process.exit(error.exitCode);
    }
    if (error instanceof AppError) {
      const rule = (error.details as { rule?: PasswordRule } | undefined)?.rule;
      const text =
        error.code === 'USERNAME_TAKEN'
          ? 'a user with this username exists already'
          : rule
            ? RULE_TEXT[rule]
            : error.message;
      console.error(`kaipan admin: ${text} [${error.code}]`);
      process.exit(1);
    }
    console.error(error);
    process.exit(1);
  },
);

/**
 * Verify a project's tamper-evident audit trail (docs/audit.md):
 *
 *   npm run audit:verify -- --project <id|code> [--expect-head <events>:<hash>]
 *   npm run audit:verify -- --install [--expect-head <events>:<hash>]   (events of no project)
 *
 * Walks the project's hash chain from its first event, recomputing every hash, and names the first
 * event that was altered, removed or slipped in behind the application's back (in SQL). With
 * --expect-head, also checks a head printed earlier (the 日报, a dispute pack, the API): the chain
 * must still pass through it — which catches a rewrite that recomputed every later hash, and events
 * cut from the end.
 *
 * Events not sealed yet are listed apart: they are not tampering (a running server seals within a
 * second; after a crash, at its next start).
 *
 * Which database: DATABASE_URL, or the embedded one of KAIPAN_DATA_DIR, as `npm run admin`
 * (server/src/infra/install-database.ts). Exit codes: 0 intact, 1 tampered (the first problem is
 * named), 2 bad usage, unknown project or no database.
 */
import { parseChainReference } from '@kaipan/shared';
import { chainHashAt, verifyProjectChain } from '../server/src/audit-chain/chain-service.js';
import { describeProblem } from '../server/src/domain/audit-chain.js';
import { openInstallDatabase } from '../server/src/infra/install-database.js';
import { createSqlPool } from '../server/src/infra/sql.js';

const USAGE = `Verify a project's tamper-evident audit trail.

usage: npm run audit:verify -- --project <id|code> [--expect-head <events>:<hash>]
       npm run audit:verify -- --install [--expect-head <events>:<hash>]

  --project       the project's id (or its code)
  --install       the install's own chain: the events of no project (sign-in failures, accounts)
  --expect-head   a head printed earlier (e.g. 1234:3f9a1c2b7e0d55aa from the 日报): the chain must
                  still pass through it

environment:
  DATABASE_URL      an external PostgreSQL; otherwise the embedded one of KAIPAN_DATA_DIR
  KAIPAN_DATA_DIR   as npm start (default .kaipan): the running server's database, or started for the command

exit codes: 0 intact, 1 tampered (the first altered or missing event is named), 2 bad usage or no such project`;

/** A refusal with its message for the terminal and the exit code. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

/** `project` null: the install's chain. */
function parseArgs(argv: string[]): { project: string | null; expectHead: string | null } {
  let project: string | null = null;
  let install = false;
  let expectHead: string | null = null;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [name, inline] = arg.split('=', 2) as [string, string | undefined];
    const value = (): string => {
      const v = inline ?? argv[(i += 1)];
      if (v === undefined || v.startsWith('--')) throw new CliError(`${name} needs a value\n\n${USAGE}`, 2);
      return v;
    };
    if (name === '--project') project = value();
    else if (name === '--install') install = true;
    else if (name === '--expect-head') expectHead = value();
    else throw new CliError(`unknown argument "${arg}"\n\n${USAGE}`, 2);
  }
  if (!project && !install) throw new CliError(`which project? (--project <id>, or --install)\n\n${USAGE}`, 2);
  if (project && install) throw new CliError(`--project or --install, not both\n\n${USAGE}`, 2);
  return { project, expectHead };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(argv);
  const expected = args.expectHead === null ? null : parseChainReference(args.expectHead);
  if (args.expectHead !== null && !expected)
    throw new CliError(`--expect-head: "${args.expectHead}" is not a printed head (<events>:<16 hex digits>)`, 2);

  const install = await openInstallDatabase();
  const sql = createSqlPool(install.url, 2, 0);
  try {
    console.error(`kaipan audit:verify: ${install.where}`);
    let chain: string | null = null;
    if (args.project === null) console.log("the install's chain (events of no project)");
    else {
      const found = await sql.query<{ id: string; code: string; name: string }>(
        `SELECT id::text AS id, code, name FROM projects WHERE ${UUID.test(args.project) ? 'id = $1::uuid' : 'code = $1'}`,
        [args.project],
      );
      const project = found.rows[0];
      if (!project) throw new CliError(`no project "${args.project}"`, 2);
      console.log(`project ${project.name} (${project.code}, ${project.id})`);
      chain = project.id;
    }

    const result = await verifyProjectChain(sql, chain);
    const { head } = result;
    console.log(
      head.reference
        ? `chain: ${head.events} events sealed; head ${head.reference} (event ${head.headEventId}, sealed ${head.sealedAt})`
        : 'chain: no event sealed yet',
    );
    if (result.unsealed.count > 0)
      console.log(
        `not sealed yet (not tampering): ${result.unsealed.count} event(s), ids ${result.unsealed.firstId}–${result.unsealed.lastId}` +
          ' — a running server seals them within a second; otherwise at its next start',
      );

    const problems = result.problems.map(describeProblem);
    if (expected) {
      if (expected.events > head.events)
        problems.push(
          `the printed head ${args.expectHead} is beyond the chain's end (${head.events} events): events were removed from its end`,
        );
      else {
        const at = await chainHashAt(sql, chain, expected.events);
        if (!at?.startsWith(expected.shortHash))
          problems.push(
            `the chain no longer passes through the printed head ${args.expectHead} (event at position ${expected.events} ` +
              `now hashes to ${at?.slice(0, 16) ?? 'nothing'}): the trail was rewritten up to there`,
          );
        else console.log(`the printed head ${args.expectHead} is in the chain`);
      }
    }
    if (problems.length > 0) {
      console.error(`TAMPERED: ${problems[0]}`);
      for (const more of problems.slice(1, 20)) console.error(`  also: ${more}`);
      if (problems.length > 20) console.error(`  … and ${problems.length - 20} more`);
      return 1;
    }
    console.log('intact: every sealed event matches its seal');
    return 0;
  } finally {
    await sql.end();
    await install.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CliError) {
      console.error(error.message);
      process.exit(error.exitCode);
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(2);
  },
);

/** Targets of the "Launch storm, measured" issue, evaluated on a bench result, and the Markdown summary. */
import type { LatencySummary } from './histogram.js';
import { curveMarkdown } from './memory-curve.js';
import type { BenchResult, TargetCheck } from './result.js';

const RSS_LIMIT_MB = 300;

export function buildTargets(r: BenchResult): TargetCheck[] {
  const t: TargetCheck[] = [];
  const lat = (k: string): LatencySummary | undefined => r.latency[k];
  const add = (name: string, target: string, value: string, met: boolean | null) =>
    t.push({ name, target, value, met });
  const v = r.verdict;

  if (r.scenario === 'steady-selling' || r.scenario === 'board-fanout' || r.scenario === 'confirm-throughput') {
    const lock = lat('lock');
    const confirm = lat('confirm');
    if (r.scenario === 'steady-selling') {
      if (lock) add('lock ack p99', '≤ 10 ms', `${lock.p99} ms`, lock.p99 <= 10);
      if (confirm) add('confirm ack p99', '≤ 25 ms', `${confirm.p99} ms`, confirm.p99 <= 25);
    }
    if (r.bare && lock) {
      add(
        'lock p99 vs bare socket.io ack p99',
        '≤ 2 ×',
        `${lock.p99} / ${r.bare.ack.p99} ms = ${r.bare.ratio ?? '—'} ×`,
        r.bare.ratio !== null && r.bare.ratio <= 2,
      );
    }
    if (r.scenario === 'confirm-throughput') {
      const cps = r.throughput['confirm/s'] ?? 0;
      add('confirmed subscriptions per second (one server process)', '≥ 1,500 /s', `${cps} /s`, cps >= 1500);
    }
  }
  if (r.scenario === 'launch-storm' && r.storm) {
    const hot = r.storm.hotUnits.length;
    const wins = r.storm.distinctWinners;
    const perUnit = Object.values(r.storm.winnersPerHotUnit);
    add(
      `exactly ${hot} winners at the instant`,
      `${hot}, one per hot unit`,
      `${wins} (per unit: ${[...new Set(perUnit)].join('/')})`,
      wins === hot && perUnit.every((n) => n === 1),
    );
    const answer = lat('answer-since-start');
    const all = r.storm.firstWave.answered === r.storm.firstWave.sent;
    add(
      'every consultant answered within 150 ms of the instant',
      'max ≤ 150 ms, none unanswered',
      `${r.storm.firstWave.answered}/${r.storm.firstWave.sent} answered, max ${answer?.max ?? '—'} ms (p99 ${answer?.p99 ?? '—'})`,
      all && !!answer && answer.max <= 150,
    );
    const first = lat('lock-first-wave');
    if (r.bare && first && r.bare.ackFirstWave) {
      add(
        'burst lock p99 vs bare socket.io ack p99 (same burst)',
        '≤ 2 ×',
        `${first.p99} / ${r.bare.ackFirstWave.p99} ms = ${r.bare.ratio ?? '—'} ×`,
        r.bare.ratio !== null && r.bare.ratio <= 2,
      );
    }
  }
  if (r.boards.boards > 0) {
    const d = lat('board-delivery');
    if (d)
      add(`change → ${r.boards.boards} boards delivery p99`, '≤ 100 ms', `${d.p99} ms (max ${d.max})`, d.p99 <= 100);
    const behind = v.boards?.behind ?? 0;
    add(
      'no board misses or reorders a change',
      '0 gaps, 0 reorders, every board at the final seq',
      `${r.boards.gaps} gaps, ${r.boards.reorders} reorders, ${behind} behind`,
      r.boards.gaps === 0 && r.boards.reorders === 0 && behind === 0,
    );
  }
  if (r.resources.server) {
    const conns = r.server.connections.total;
    add(
      `server RSS (${conns} connections)`,
      `≤ ${RSS_LIMIT_MB} MB with 1,000 connections`,
      `${r.resources.server.rssMaxMB} MB (high-water ${r.resources.server.rssHighWaterMB} MB)`,
      conns >= 1000 ? r.resources.server.rssMaxMB <= RSS_LIMIT_MB : null,
    );
  }
  if (r.scenario === 'api-mix') {
    const fivexx = Object.entries(r.counts.errors)
      .filter(([k]) => /:(5\d\d|INTERNAL|SERVICE_UNAVAILABLE|TIMEOUT)$/.test(k))
      .reduce((s, [, n]) => s + n, 0);
    add('HTTP API: no 5xx or timeouts', '0', String(fivexx), fivexx === 0);
  }
  const serverErrors = Object.entries(r.counts.errors)
    .filter(([k]) => /:(INTERNAL|SERVICE_UNAVAILABLE|TIMEOUT|5\d\d)$/.test(k))
    .reduce((s, [, n]) => s + n, 0);
  const commands =
    Object.values(r.counts.ok).reduce((s, n) => s + n, 0) + Object.values(r.counts.errors).reduce((s, n) => s + n, 0);
  add(
    'no server errors (INTERNAL, SERVICE_UNAVAILABLE, 5xx, timeouts, disconnects)',
    '0',
    `${serverErrors} of ${commands} commands, ${r.counts.disconnects} disconnects`,
    serverErrors === 0 && r.counts.disconnects === 0,
  );
  if (v.checked) {
    add('never sold twice (PostgreSQL)', '0 double-sold units', String(v.doubleSold.length), v.doubleSold.length === 0);
    if (v.newActiveSubscriptions !== null) {
      add(
        'acked confirms (distinct subscriptions) = new ACTIVE subscriptions',
        'equal',
        `${v.ackedConfirms} / ${v.newActiveSubscriptions}`,
        v.ackedConfirms === v.newActiveSubscriptions,
      );
    }
    add(
      'live state = PostgreSQL; no locks left',
      '0 / 0',
      `${v.mirrorMismatches} / ${v.activeLocksLeft}`,
      v.mirrorMismatches === 0 && v.activeLocksLeft === 0,
    );
    if (v.boardsConsistentWithDb !== null)
      add(
        'boards = database state',
        'all boards',
        `${v.boards?.consistent}/${v.boards?.boards}`,
        v.boardsConsistentWithDb,
      );
  }
  return t;
}

const fmt = (s: LatencySummary | undefined | null): string =>
  s ? `${s.count} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max}` : '— | — | — | — | —';

export function renderMarkdown(r: BenchResult): string {
  const o = r.options;
  const lines: string[] = [];
  lines.push(`# Kaipan bench: ${r.scenario}`, '');
  lines.push(`- when: ${r.startedAt} → ${r.finishedAt}`);
  lines.push(`- command: \`${r.command}\``);
  if (r.git)
    lines.push(`- code: ${r.git.commit}${r.git.dirty ? ' + uncommitted changes in server/shared/scripts/prisma' : ''}`);
  lines.push(
    `- machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memGB} GB, ${r.machine.node}, load avg at start ${r.machine.loadavgAtStart.join(' ')} / end ${r.machine.loadavgAtEnd.join(' ')}; load generator (${r.resources.generator.workers} worker processes) and server share the same cores`,
  );
  lines.push(
    `- server: ${r.server.mode} ${r.server.url}${r.server.pid ? ` (pid ${r.server.pid}, ready in ${r.server.readyMs} ms)` : ''}; units ${r.server.units.total} (${r.server.units.available} available${r.server.units.added ? `, ${r.server.units.added} load-test units added` : ''})`,
  );
  if (r.scenario === 'api-mix') {
    lines.push(
      `- shape: ${r.server.connections.consultants} HTTP users at ${o.rate} requests/s each, window ${(r.window.durationMs / 1000).toFixed(1)} s, mix ${Object.entries(
        o.httpMix,
      )
        .map(([k, w]) => `${k}:${w}`)
        .join(' ')}`,
    );
  } else {
    lines.push(
      `- shape: ${r.server.connections.consultants} consultants, ${r.server.connections.boards} boards, window ${(r.window.durationMs / 1000).toFixed(1)} s, rate ${o.rate || 'closed loop'}${o.rate ? ' cycles/s per consultant' : ''}, hold ${o.holdMs} ms, confirm ratio ${o.confirmRatio}, consultants ${o.consultantsJoin ? 'join the room' : 'do not join'}`,
    );
  }
  lines.push(
    `- setup: ${r.setup.login.users} logins in ${r.setup.login.totalMs} ms (per login p50 ${r.setup.login.perLogin.p50} ms, p99 ${r.setup.login.perLogin.p99} ms); sockets connected in ${r.setup.connectMs} ms, joined in ${r.setup.joinMs} ms; ${r.setup.failedSockets} failed`,
  );
  lines.push('');
  lines.push('## Targets', '', '| target | wanted | measured | met |', '| --- | --- | --- | --- |');
  for (const t of r.targets)
    lines.push(`| ${t.name} | ${t.target} | ${t.value} | ${t.met === null ? 'n/a' : t.met ? '✅' : '❌'} |`);
  lines.push('');
  lines.push(
    '## Latency (ms)',
    '',
    '| what | count | p50 | p95 | p99 | max |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const [name, s] of Object.entries(r.latency).sort(([a], [b]) => a.localeCompare(b)))
    lines.push(`| ${name} | ${fmt(s)} |`);
  if (r.eventLoop.probe) lines.push(`| server responsiveness probe¹ | ${fmt(r.eventLoop.probe)} |`);
  if (r.bare) {
    lines.push(`| bare socket.io ack² | ${fmt(r.bare.ack)} |`);
    if (r.bare.ackFirstWave) lines.push(`| bare socket.io ack, burst² | ${fmt(r.bare.ackFirstWave)} |`);
  }
  lines.push('', `¹ ${r.eventLoop.note}`);
  if (r.bare)
    lines.push(
      `² Bare socket.io server (own process, ack at once) at the same concurrency for ${(r.bare.durationMs / 1000).toFixed(1)} s; Kaipan lock p99 ÷ bare p99 = ${r.bare.ratio ?? '—'}.`,
    );
  lines.push('');
  lines.push('## Throughput (in the window)', '', '| what | per second |', '| --- | ---: |');
  for (const [k, v] of Object.entries(r.throughput).sort()) lines.push(`| ${k} | ${v} |`);
  lines.push('');
  lines.push('## Outcomes and errors', '', '| outcome | count |', '| --- | ---: |');
  for (const [k, v] of Object.entries(r.counts.ok).sort()) lines.push(`| ok ${k} | ${v} |`);
  for (const [k, v] of Object.entries(r.counts.errors).sort()) lines.push(`| ${k} | ${v} |`);
  lines.push(`| LOCK_LIMIT (all commands) | ${r.counts.lockLimit} |`);
  lines.push(
    `| timeouts / disconnects / connect errors | ${r.counts.timeouts} / ${r.counts.disconnects} / ${r.counts.connectErrors} |`,
  );
  lines.push(
    `| skipped cycles (consultant still busy) / consultants out of units | ${r.counts.skippedCycles} / ${r.counts.exhausted} |`,
  );
  if (r.consultantFrames.frames) {
    lines.push(
      `| units:changed frames to consultant sockets (counted, not parsed) | ${r.consultantFrames.frames} (${Math.round(r.consultantFrames.bytes / 1048576)} MB) |`,
    );
  }
  if (r.storm) {
    lines.push('', '## Launch storm', '');
    lines.push(
      `- first wave: ${r.storm.firstWave.sent} locks sent at the instant, ${r.storm.firstWave.answered} answered, ${r.storm.distinctWinners} winners (distinct user × unit; ${r.storm.firstWave.wins.length} granted acks) on ${r.storm.hotUnits.length} hot units`,
    );
    lines.push(
      `- afterwards: ${r.storm.attempts} lock attempts in all, ${r.storm.secured} consultants secured (confirmed) a unit`,
    );
  }
  if (r.boards.boards) {
    lines.push('', '## Boards', '');
    lines.push(
      `- ${r.boards.connected}/${r.boards.boards} connected; ${r.boards.frames} frames, ${r.boards.changesApplied} changes applied; gaps ${r.boards.gaps}, reorders ${r.boards.reorders}, resyncs ${r.boards.resyncs}; seq ${r.boards.minSeq}…${r.boards.maxSeq}, server final ${r.verdict.finalSeq}`,
    );
    if (r.verdict.boards?.examples.length) lines.push(`- differences: ${r.verdict.boards.examples.join('; ')}`);
  }
  lines.push('', '## Resources', '');
  const s = r.resources.server;
  if (s) {
    lines.push(
      `- server Node process: CPU avg ${s.serverCpuAvgPct} % of one core (max ${s.serverCpuMaxPct} %), RSS ${s.rssStartMB} → max ${s.rssMaxMB} → ${s.rssEndMB} MB (high-water ${s.rssHighWaterMB} MB)`,
    );
    lines.push(`- PostgreSQL processes: CPU avg ${s.postgresCpuAvgPct} %; redis-server: CPU avg ${s.redisCpuAvgPct} %`);
  } else lines.push('- server process not sampled (external server without --server-pid)');
  lines.push(...perConfirmLines(r));
  const si = r.eventLoop.server;
  if (si) {
    lines.push(
      `- server event-loop delay (in-process monitorEventLoopDelay, per second over ${si.seconds} s): p50 avg ${si.eventLoop.p50AvgMs} ms, p99 median ${si.eventLoop.p99MedianMs} ms, worst-second p99 ${si.eventLoop.p99MaxMs} ms, max ${si.eventLoop.maxMs} ms`,
    );
    if (si.fanout) {
      lines.push(
        `- server fan-out (timed socket.io broadcasts, one per chunk of sockets): ${si.fanout.framesPerSecond} broadcasts/s to ${si.fanout.recipientsPerFrame} sockets each; one broadcast holds the event loop p50 ${si.fanout.p50MedianMs} ms, worst-second p99 ${si.fanout.p99MaxMs} ms, max ${si.fanout.maxMs} ms; ${si.fanout.busyPct} % of wall time`,
      );
    }
    if (si.gc) {
      lines.push(
        `- server garbage collection: ${si.gc.pausesPerSecond} pauses/s, ${si.gc.pauseMsPerSecond} ms/s, longest ${si.gc.maxMs} ms; of which full (mark-compact) ${si.gc.majorPerSecond}/s, ${si.gc.majorMsPerSecond} ms/s`,
      );
    }
    lines.push(
      `- server V8 heap used max ${si.heapUsedMaxMB} MB (heap total ${si.heapTotalMaxMB} MB), external ${si.externalMaxMB} MB, array buffers ${si.arrayBuffersMaxMB} MB`,
    );
  }
  const g = r.resources.generator;
  lines.push(
    `- load generator: ${g.workers} processes, CPU ${g.cpuPct} % of one core, event-loop p99 ${g.eventLoopP99Ms} ms (max ${g.eventLoopMaxMs} ms), RSS ${g.rssMB} MB`,
  );
  if (r.bare?.resources)
    lines.push(
      `- bare socket.io server: CPU avg ${r.bare.resources.serverCpuAvgPct} %, RSS max ${r.bare.resources.rssMaxMB} MB; its generator CPU ${r.bare.generator.cpuPct} %`,
    );
  if (r.heapSnapshot)
    lines.push(`- heap snapshot after the window: ${r.heapSnapshot} (\`npm run bench:heap -- <file>\`)`);
  if (r.memoryCurve)
    lines.push('', `## Memory curve (every ${r.memoryCurve.everyS} s)`, '', ...curveMarkdown(r.memoryCurve));
  lines.push('', '## Correctness verdict', '');
  const v = r.verdict;
  lines.push(`- ${v.ok ? '✅ consistent' : '❌ PROBLEMS'}${v.checked ? '' : ' (PostgreSQL not checked)'}`);
  lines.push(
    `- double-sold units: ${v.doubleSold.length}; locks left: ${v.activeLocksLeft}; live state ≠ PostgreSQL: ${v.mirrorMismatches}; acked confirms ${v.ackedConfirms} vs new ACTIVE subscriptions ${v.newActiveSubscriptions ?? '—'}`,
  );
  if (v.boards)
    lines.push(
      `- boards equal to the server's final state (and so to PostgreSQL): ${v.boards.consistent}/${v.boards.boards}`,
    );
  for (const p of v.problems) lines.push(`- problem: ${p}`);
  if (r.profile) {
    lines.push('', '## Server CPU profile (measured window)', '', `Profile: \`${r.profile.file}\``, '');
    lines.push(
      `Window ${(r.profile.windowMs / 1000).toFixed(1)} s: busy ${(r.profile.busyMs / 1000).toFixed(1)} s (${r.profile.busyPct} % of one core).`,
      '',
    );
    lines.push('| self time by package / area | ms | % of busy |', '| --- | ---: | ---: |');
    for (const p of r.profile.packages.slice(0, 15)) lines.push(`| ${p.name} | ${p.selfMs} | ${p.pct} |`);
    lines.push('', '| function | where | self ms | % of busy |', '| --- | --- | ---: | ---: |');
    for (const f of r.profile.functions.slice(0, 25))
      lines.push(`| \`${f.name}\` | ${f.where} | ${f.selfMs} | ${f.pct} |`);
  }
  if (r.notes.length) {
    lines.push('', '## Notes', '');
    for (const n of r.notes) lines.push(`- ${n}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * What one confirm costs, from the window's totals: CPU of the server, PostgreSQL and Redis
 * (sampled averages × window ÷ confirms; a closed loop's lock is included), and PostgreSQL's writes.
 */
function perConfirmLines(r: BenchResult): string[] {
  const confirms = r.counts.ok.confirm ?? 0;
  if (confirms === 0) return [];
  const lines: string[] = [];
  const s = r.resources.server;
  const seconds = r.window.durationMs / 1000;
  const ms = (pct: number): string => (((pct / 100) * seconds * 1000) / confirms).toFixed(2);
  if (s)
    lines.push(
      `- CPU per confirm (window CPU ÷ ${confirms} confirms, its lock included): server ${ms(s.serverCpuAvgPct)} ms, PostgreSQL ${ms(s.postgresCpuAvgPct)} ms, Redis ${ms(s.redisCpuAvgPct)} ms`,
    );
  const w = r.postgresWork;
  if (w) {
    // Divided by the subscriptions the same counters saw inserted: each backend flushes its
    // statistics about once a second, so the window's last second may be missing from all of
    // them alike (dividing by acked confirms would undercount).
    const sales = w.rows.subscriptions?.inserted || confirms;
    const per = (n: number): string => (n / sales).toFixed(2);
    const rows = Object.entries(w.rows)
      .map(([table, t]) => `${table} +${per(t.inserted)}/~${per(t.updated)}`)
      .join(', ');
    lines.push(
      `- PostgreSQL per sale (whole database, per subscription inserted: ${sales}): ${per(w.commits)} commits, ${per(w.walRecords)} WAL records, ${Math.round(w.walBytes / sales)} WAL bytes (${per(w.walFullPageImages)} full-page images)${w.walFsyncs === null ? '' : `, ${per(w.walFsyncs)} WAL fsyncs`}; rows inserted/updated: ${rows}`,
    );
  }
  return lines;
}

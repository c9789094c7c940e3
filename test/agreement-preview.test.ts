/**
 * 预览样本 — POST /api/projects/:projectId/agreement/preview against a real server and PostgreSQL:
 * a SAMPLE 认购书 of unsaved terms, rendered in the render thread and answered as PDF bytes, with
 * the project's name, the given terms and signing period (deadline = today in the project's zone +
 * the days), stamped 样本 SAMPLE, and nothing stored (no document, no audit event, the saved terms
 * unchanged). Managers of the project only; bad input is refused with VALIDATION_FAILED.
 * The PDF is read back with pdftotext (poppler-utils).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, calendarDateInZone } from '@kaipan/shared';
import { startTestServer, type TestServer } from './support/app.js';

const run = promisify(execFile);

let server: TestServer;
let projectId: string;
let manager: string;
let admin: string;
let consultant: string;
let cashier: string;
let dir: string;

beforeAll(async () => {
  server = await startTestServer({ units: 4, consultants: 1 });
  projectId = server.fixture.projectId;
  const tokens = await Promise.all(
    ['manager', 'admin', 's001', 'cashier'].map(async (u) => (await server.login(u)).token),
  );
  [manager, admin, consultant, cashier] = tokens as [string, string, string, string];
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kaipan-agr-preview-'));
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** POST the preview; the raw response (PDF bytes or a JSON error). */
async function preview(token: string | undefined, body: unknown, pid = projectId): Promise<Response> {
  return fetch(`${server.url}/api/projects/${pid}/agreement/preview`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

let files = 0;
/** pdftotext of the bytes, all whitespace removed (CJK lines break anywhere). */
async function textOf(pdf: Buffer): Promise<{ flat: string; pages: number }> {
  const file = path.join(dir, `p-${(files += 1)}.pdf`);
  await fs.writeFile(file, pdf);
  const [{ stdout }, { stdout: info }] = await Promise.all([
    run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']),
    run('pdfinfo', [file]),
  ]);
  return { flat: stdout.replace(/\s+/g, ''), pages: Number(/Pages:\s+(\d+)/.exec(info)?.[1] ?? 0) };
}

async function snapshot(): Promise<{ documents: number; audit: number; project: unknown }> {
  const [documents, audit, project] = await Promise.all([
    server.db.document.count(),
    server.db.auditEvent.count(),
    server.db.project.findUniqueOrThrow({
      where: { id: projectId },
      select: { agreementTerms: true, signingDays: true, pricingPolicy: true },
    }),
  ]);
  return { documents, audit, project };
}

describe('POST /api/projects/:projectId/agreement/preview', () => {
  it('renders a SAMPLE 认购书 of the unsaved terms and signing period, and stores nothing', async () => {
    // Saved terms first, so "unchanged" means something.
    const saved = await fetch(`${server.url}/api/projects/${projectId}/agreement`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${manager}` },
      body: JSON.stringify({ terms: '第一条 SAVED-TERMS-1001 已保存的条款。', signingDays: 10 }),
    });
    expect(saved.status).toBe(200);
    const before = await snapshot();
    const tz = 'Asia/Shanghai';
    const day0 = calendarDateInZone(new Date().toISOString(), tz);
    const terms = '第一条 PREVIEW-TERMS-8842：乙方应按期签约。\r\n\r\n第二条 Second clause of the draft.';
    const res = await preview(manager, { terms, signingDays: 12 });
    const day1 = calendarDateInZone(new Date().toISOString(), tz);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const doc = await textOf(pdf);
    expect(doc.flat).toContain('PREVIEW-TERMS-8842');
    expect(doc.flat).toContain('Secondclauseofthedraft.');
    expect(doc.flat).not.toContain('SAVED-TERMS-1001');
    expect(doc.flat).toContain('测试项目');
    expect(doc.flat).toContain('TestProject');
    // The stamp on every page, and no verification code.
    expect(doc.flat.split('样本SAMPLE').length - 1).toBeGreaterThanOrEqual(doc.pages);
    expect(doc.flat).toContain('不作为认购凭证·Notasubscription');
    expect(doc.flat).toContain('无核验码');
    expect(doc.flat).not.toContain('扫码验真');
    // The deadline as a real agreement computes it: the subscription's day + the signing days.
    expect(doc.flat).toContain('认购之日起12日内');
    expect(
      [addCalendarDays(day0, 12), addCalendarDays(day1, 12)].some((d) => doc.flat.includes(`乙方应于${d}前`)),
    ).toBe(true);
    // Nothing stored, nothing audited, the saved terms as they were.
    expect(await snapshot()).toEqual(before);
  }, 60_000);

  it('prints the default terms for empty terms text; an admin may preview too', async () => {
    const before = await snapshot();
    const res = await preview(admin, { terms: '   ', signingDays: 7 });
    expect(res.status).toBe(200);
    const doc = await textOf(Buffer.from(await res.arrayBuffer()));
    expect(doc.flat).toContain('双倍返还定金');
    expect(doc.flat).toContain('认购之日起7日内');
    expect(await snapshot()).toEqual(before);
  }, 60_000);

  it('refuses consultants, cashiers, other projects and anonymous callers; changes nothing', async () => {
    const before = await snapshot();
    const other = await server.db.project.findFirstOrThrow({ where: { id: { not: projectId } }, select: { id: true } });
    const answers = await Promise.all([
      preview(consultant, { terms: 'x', signingDays: 7 }),
      preview(cashier, { terms: 'x', signingDays: 7 }),
      preview(manager, { terms: 'x', signingDays: 7 }, other.id),
      preview(undefined, { terms: 'x', signingDays: 7 }),
    ]);
    const bodies = await Promise.all(
      answers.map(async (r) => ({
        status: r.status,
        code: ((await r.json()) as { error: { code: string } }).error.code,
      })),
    );
    expect(bodies.slice(0, 3)).toEqual([
      { status: 403, code: 'FORBIDDEN' },
      { status: 403, code: 'FORBIDDEN' },
      { status: 403, code: 'FORBIDDEN' },
    ]);
    expect(bodies[3]).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses bad input with VALIDATION_FAILED', async () => {
    const before = await snapshot();
    const bad: unknown[] = [
      { terms: 'x', signingDays: 0 },
      { terms: 'x', signingDays: 91 },
      { terms: 'x', signingDays: 7.5 },
      { terms: 'x' },
      { signingDays: 7 },
      { terms: null, signingDays: 7 },
      { terms: 'x'.repeat(20_001), signingDays: 7 },
      { terms: 'x', signingDays: 7, extra: true },
      'not json',
    ];
    for (const body of bad) {
      const res = await preview(manager, body);
      const json = (await res.json()) as { error: { code: string } };
      expect({
        body: typeof body === 'string' ? body : Object.keys(body as object),
        status: res.status,
        code: json.error.code,
      }).toEqual({
        body: typeof body === 'string' ? body : Object.keys(body as object),
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    expect(await snapshot()).toEqual(before);
  });
});

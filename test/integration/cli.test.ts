/**
 * The command line as an operator meets it: a mistake in the command gets one line and exit 2, a
 * config mistake names its key (exit 1), never a stack trace. Runs the sources through tsx.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'smtp2sms-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { code: number | null; stderr: string; stdout: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000, env: { ...process.env, SMTP2SMS_CONFIG: '' } });
  return { code: run.status, stderr: run.stderr, stdout: run.stdout };
}

describe('smtp2sms on the command line', () => {
  it.each([
    [['check-config', '--bogus'], /Unknown option '--bogus'/],
    [['check-config', '--config'], /argument missing|requires an argument|--config/i],
    [['preview', join(dir, 'no-such.eml'), '--config', 'config/default.yaml'], /cannot read .*no-such\.eml/],
    [['launch'], /unknown command "launch"/],
    // Validating the default file instead and calling it valid would be worse than an error.
    [['check-config', 'config/example.yaml'], /unexpected argument "config\/example\.yaml" \(did you mean --config\?\)/],
    [['start', 'now'], /unexpected argument "now"/],
    [['preview', '-', 'extra.eml'], /unexpected argument "extra\.eml"/],
  ])('%j is a usage error: exit 2, one line, no stack trace', (args, message) => {
    const { code, stderr } = cli(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('names the key of a config mistake that start would only have found later', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'smtp: { clients: ["10.0.0.0/33"] }\ncarriers: { primary: { type: smpp, systemId: x } }\nroutes: [{ match: "*", carriers: [primary] }]\n');
    const { code, stderr } = cli('check-config', '--config', file);
    expect(code).toBe(1);
    expect(stderr).toContain('smtp.clients.0: expected an address or CIDR like 10.0.0.0/8');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('smtp2sms preview', () => {
  it('shows the segments of a mail the relay would send', () => {
    const file = join(dir, 'disk.eml');
    writeFileSync(file, 'To: +4915112345678@sms.localhost\r\nSubject: disk full\r\n\r\n/var is at 97%\r\n');
    const { code, stdout } = cli('preview', file, '--config', 'config/default.yaml');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^segments: +1$/m);
    expect(stdout).toMatch(/^\[1\/1\] disk full: \/var is at 97%$/m);
  });

  it('shows the refusal, exit 1, for a mail with nothing to send (as the relay answers DATA)', () => {
    const file = join(dir, 'empty.eml');
    writeFileSync(file, 'To: +4915112345678@sms.localhost\r\nSubject: \r\n\r\n\r\n');
    const { code, stdout } = cli('preview', file, '--config', 'config/default.yaml');
    expect(code).toBe(1);
    expect(stdout).toBe('refused:    554 5.6.0 Message has no subject or text to send (the relay answers this to DATA)\n');
  });
});

#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from './config/load.js';
import { maskSecrets } from './config/mask.js';
import { Smtp2SmsError } from './errors.js';
import { createLogger } from './observability/logger.js';
import { untilSignal } from './signals.js';
import type { Role } from './start.js';

const USAGE = `usage: smtp2sms <command> [options]

commands:
  start [--config FILE] [--role R]      run the relay (SMTP in, SMS out); R = all (default),
                                        smtp (ingest only) or worker (dispatch only), to run
                                        ingest and dispatch as separate processes on one Redis
  preview FILE.eml|- [--config FILE]    show the SMS a mail would become
  smsc [--port N] [--host ADDR]         run the built-in SMSC simulator (SMPP 3.4 server)
  check-config [--config FILE]          validate and print the resolved config, secrets masked

The config file defaults to $SMTP2SMS_CONFIG or ${DEFAULT_CONFIG_FILE}.`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArguments(argv);
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const configFile = values.config ?? process.env.SMTP2SMS_CONFIG ?? DEFAULT_CONFIG_FILE;
  // `check-config other.yaml` would otherwise validate the default file and call it valid.
  const extra = rest.slice(command === 'preview' ? 1 : 0);
  if (extra.length > 0) {
    const hint = /\.ya?ml$/i.test(extra[0]!) ? ' (did you mean --config?)' : '';
    throw new UsageError(`unexpected argument "${extra[0]}"${hint}\n\n${USAGE}`);
  }

  switch (command) {
    case 'check-config': {
      const config = loadConfigFile(configFile);
      process.stdout.write(`# ${configFile}: valid\n${stringify(maskSecrets(config))}`);
      return 0;
    }
    case 'preview': {
      const file = rest[0];
      if (!file) throw new UsageError('preview needs a file name, or - for standard input');
      const raw = readInput(file);
      const { previewMail } = await import('./preview.js');
      const { output, sendable } = await previewMail(raw, loadConfigFile(configFile));
      process.stdout.write(output);
      return sendable ? 0 : 1;
    }
    case 'smsc': {
      const port = values.port === undefined ? 2775 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: "${values.port}" is not a port number`);
      const log = createLogger('info');
      // Loaded here, not at the top: check-config, preview and a usage error need none of the
      // relay's modules (queue, carriers, HTTP, TLS), whose loading is most of a CLI start.
      const { createSimulator } = await import('./app-parts.js');
      const simulator = createSimulator({ enabled: true, host: values.host ?? '127.0.0.1', port, receiptDelay: 200 }, log);
      const bound = await simulator.start();
      log.info({ event: 'simulator.started', port: bound }, 'SMSC simulator listening');
      await untilSignal();
      await simulator.stop();
      return 0;
    }
    case 'start': {
      const config = loadConfigFile(configFile);
      const log = createLogger(config.logging.level);
      const role = values.role ?? 'all';
      if (!['all', 'smtp', 'worker'].includes(role)) throw new UsageError(`--role: "${role}" is not one of all, smtp, worker`);
      const { runStart } = await import('./start.js');
      return runStart(config, log, role as Role);
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

class UsageError extends Error {}

function parseArguments(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        role: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // An unknown option or a missing value: the user's mistake, not a crash.
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
}

function readInput(file: string): Buffer {
  try {
    return file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`smtp2sms: ${error.message}`);
    else if (error instanceof Smtp2SmsError) console.error(`smtp2sms: ${error.message}`);
    else console.error('smtp2sms: unexpected error:', error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);

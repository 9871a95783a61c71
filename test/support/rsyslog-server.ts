import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { TestPki } from './certs.js';
import { tempDir } from './databases.js';
import { freePort } from './postgres-server.js';

/** One line of what rsyslog wrote: the message's MSGID, structured data and message. */
export interface Received {
  msgid: string;
  sd: string;
  msg: string;
}

export interface Rsyslog {
  port: number;
  received(): Received[];
  /** SIGKILL and wait */
  kill(): Promise<void>;
  /** a new rsyslogd on the same port and output file */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Debian's rsyslogd (no fork, own config) on a free loopback port, receiving syslog over TLS with
 * the OpenSSL network stream driver (RFC 5425: octet-counted frames) and the test CA's server
 * certificate; each message is written to a file as `MSGID<TAB>STRUCTURED-DATA<TAB>MSG`.
 */
export async function startRsyslog(pki: TestPki): Promise<Rsyslog> {
  const dir = tempDir('notary-rsyslog-');
  const port = await freePort();
  const out = join(dir, 'received.log');
  mkdirSync(join(dir, 'work'));
  writeFileSync(
    join(dir, 'rsyslog.conf'),
    `
global(workDirectory="${dir}/work" maxMessageSize="64k"
  DefaultNetstreamDriver="ossl" DefaultNetstreamDriverCAFile="${pki.ca.cert}"
  DefaultNetstreamDriverCertFile="${pki.server.cert}" DefaultNetstreamDriverKeyFile="${pki.server.key}")
module(load="imtcp" StreamDriver.Name="ossl" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")
input(type="imtcp" port="${port}" address="127.0.0.1")
template(name="audit" type="string" string="%msgid%\\t%structured-data%\\t%msg%\\n")
action(type="omfile" file="${out}" template="audit")
`,
  );
  let child: ChildProcess | undefined;
  const launch = async () => {
    const c = spawn('rsyslogd', ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    c.stdout!.on('data', (d) => (output += d));
    c.stderr!.on('data', (d) => (output += d));
    child = c;
    for (const until = Date.now() + 20_000; !(await listening(port));) {
      if (c.exitCode !== null || Date.now() > until) throw new Error(`rsyslogd did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const halt = async (signal: NodeJS.Signals) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
  };
  await launch();
  return {
    port,
    received: () =>
      (existsSync(out) ? readFileSync(out, 'utf8') : '')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [msgid, sd, ...rest] = l.split('\t');
          return { msgid: msgid!, sd: sd!, msg: rest.join('\t') };
        }),
    kill: () => halt('SIGKILL'),
    restart: async () => {
      await halt('SIGTERM');
      await launch();
    },
    stop: () => halt('SIGTERM'),
  };
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

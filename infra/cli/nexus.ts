// `npm run nexus -- <command>`: plays a NEXUS server against the license portal through the typed client
// (register, login, licenses, acquire, import, watch, signin, status). `npm run nexus -- --help` lists them.
import { main } from './nexus/main.js';
import type { Io } from './nexus/output.js';
import { readSecret } from './nexus/terminal.js';

// `npm run` starts a script in the package's folder; paths on the command line (--dir, --state, a file, a
// folder) mean what they mean where the user typed them.
if (process.env.INIT_CWD) {
  try {
    process.chdir(process.env.INIT_CWD);
  } catch {
    // that folder is gone: paths stay relative to the package's folder
  }
}

// Piped into `head` and the like: a closed stdout ends the output, not the command with an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

const io: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  readSecret,
  onStop(handler) {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
  nowMs: Date.now,
};

process.exitCode = await main(process.argv.slice(2), io);

// Reading a password or a secret without it ever being on the command line: typed at a terminal with nothing
// echoed, or piped on standard input (`pass show nexus | npm run nexus -- login --secret`).
import { createInterface } from 'node:readline';

/** What the line editor does with one key typed at the terminal. */
export type KeyEffect = { kind: 'text' | 'done'; value: string } | { kind: 'cancel' };

/**
 * Applies what a terminal in raw mode sent to the text typed so far: Enter ends, Ctrl-C or Ctrl-D (on an empty
 * line) cancels, Backspace removes the last character, other control characters are ignored.
 */
export function applyKeys(typed: string, chunk: string): KeyEffect {
  let text = typed;
  for (const char of chunk) {
    if (char === '\r' || char === '\n') return { kind: 'done', value: text };
    if (char === '\u0003' || (char === '\u0004' && text === '')) return { kind: 'cancel' };
    if (char === '\u007f' || char === '\b') text = [...text].slice(0, -1).join('');
    else if (char >= ' ') text += char;
  }
  return { kind: 'text', value: text };
}

/** Cancelled at the prompt (Ctrl-C): the command stops without trying anything. */
export class PromptCancelled extends Error {}

function readHidden(prompt: string): Promise<string> {
  const { stdin, stderr } = process;
  stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  let typed = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: string) => {
      // A paste arrives in one chunk, Enter included.
      const effect = applyKeys(typed, chunk);
      if (effect.kind === 'text') {
        typed = effect.value;
        return;
      }
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (effect.kind === 'done') resolve(effect.value);
      else reject(new PromptCancelled('cancelled at the prompt.'));
    };
    stdin.on('data', onData);
  });
}

async function readFirstLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

/** A secret from the terminal (hidden) or the first line of piped standard input, without surrounding spaces. */
export async function readSecret(prompt: string): Promise<string> {
  const text = process.stdin.isTTY ? await readHidden(prompt) : await readFirstLine();
  return text.trim();
}

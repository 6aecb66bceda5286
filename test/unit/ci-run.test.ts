// CI runs exactly what the README tells a newcomer to run for the tests, nothing before or after it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The commands of the README's "The two commands" block, by their comment: "test" -> "npm ci && npm test". */
function readmeCommands(): Record<string, string> {
  const readme = readFileSync('README.md', 'utf8');
  const block = /## The two commands\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no "The two commands" sh block');
  const commands: Record<string, string> = {};
  for (const line of block.trim().split('\n')) {
    const [command = '', comment = ''] = line.split('#');
    const word = /^\s*(?:the\s+)?(\w+)/.exec(comment)?.[1] ?? '';
    commands[/test/i.test(comment) ? 'test' : word] = command.trim();
  }
  return commands;
}

describe('.ci/run', () => {
  it("runs the README's test command and nothing else", () => {
    const test = readmeCommands().test;
    expect(test).toBe('npm ci && npm test');
    const steps = readFileSync('.ci/run', 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      // Shell set-up that runs nothing: strict mode and the repository root.
      .filter((line) => line !== 'set -euo pipefail' && line !== 'cd "$(dirname "$0")/.."');
    expect(steps).toEqual([test]);
  });

  it('makes npm test and npm start install what they need themselves', () => {
    const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;
    expect(scripts.test).toMatch(/^bash scripts\/install-system-deps\.sh test && /);
    expect(scripts.start).toMatch(/^bash scripts\/install-system-deps\.sh start && /);
  });
});

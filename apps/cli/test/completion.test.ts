// Acceptance: the completion script works in a real bash, as `source <(sluice completion bash)`.
import { describe, expect, it } from 'vitest';
import { quote, run, SLUICE } from './harness.js';

/** What bash completes for the words typed so far (the last one being completed). */
async function complete(words: string[]): Promise<string[]> {
  const script = [
    `source <(${quote(process.execPath)} ${quote(SLUICE)} completion bash)`,
    `COMP_WORDS=(${words.map(quote).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    '_sluice',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash array, not a template
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const r = await run('sh', [`exec bash -c ${quote(script)}`]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.toString().trim().split('\n').sort();
}

describe('sluice completion bash', () => {
  it('completes commands, their options, and global options before the command', async () => {
    expect(await complete(['sluice', 'co'])).toEqual(['completion', 'connect']);
    expect(await complete(['sluice', 'run', '--det'])).toEqual(['--detach', '--detach-keys']);
    expect(await complete(['sluice', '-H', 'tcp://h:1', 'serve', '--ke'])).toEqual([
      '--key',
      '--key-file',
    ]);
    expect(await complete(['sluice', '--ver'])).toEqual(['--verbose', '--version']);
    expect(await complete(['sluice', 'completion', ''])).toEqual(['bash', 'zsh']);
  });

  it('zsh: the script defines and registers _sluice', async () => {
    const r = await run('sluice', ['completion', 'zsh']);
    expect(r.stdout.toString()).toMatch(/^#compdef sluice\n/);
    expect(r.stdout.toString()).toContain("'run:Create a container from IMAGE");
  });
});

// `sluice completion bash|zsh`: completion scripts generated from the program itself, so they
// never drift from the real commands and options.
import type { OptionSpec, ProgramSpec } from '../cli-spec.js';
import { VERSION_OPTION } from '../command-line.js';

interface Spec {
  name: string;
  options: string[];
}

function specs(program: ProgramSpec): { globals: string[]; commands: Spec[] } {
  const flags = (options: readonly OptionSpec[]): string[] =>
    options
      .flatMap((o) => (o.short === undefined ? [`--${o.long}`] : [`-${o.short}`, `--${o.long}`]))
      .concat('--help');
  return {
    globals: flags([VERSION_OPTION, ...program.globalOptions]),
    commands: program.commands.map((c) => ({ name: c.name, options: flags(c.options) })),
  };
}

function bash(program: ProgramSpec): string {
  const { globals, commands } = specs(program);
  const cases = commands.map((c) => `    ${c.name}) opts="${c.options.join(' ')}" ;;`).join('\n');
  return `# bash completion for sluice: source <(sluice completion bash)
_sluice() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -H|--host|-c|--context) ((i++)) ;;
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  local opts
  case "$cmd" in
    "") opts="${globals.join(' ')} ${commands.map((c) => c.name).join(' ')}" ;;
${cases}
    *) opts="" ;;
  esac
  if [[ "$cmd" == completion ]]; then opts="bash zsh"; fi
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  [[ \${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
  return 0
}
complete -F _sluice sluice
`;
}

function zsh(program: ProgramSpec): string {
  const { globals, commands } = specs(program);
  const described = program.commands
    .map((c) => `    '${c.name}:${c.description.replace(/'/g, "'\\''").replace(/:/g, '\\:')}'`)
    .join('\n');
  const cases = commands
    .map(
      (c) =>
        `    ${c.name}) _arguments ${c.options.map((o) => `'${o}'`).join(' ')} '*:file:_files' ;;`,
    )
    .join('\n');
  return `#compdef sluice
# zsh completion for sluice: sluice completion zsh > "\${fpath[1]}/_sluice"
_sluice() {
  local -a commands
  commands=(
${described}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    _arguments ${globals.map((o) => `'${o}'`).join(' ')}
    return
  fi
  case "\${words[2]}" in
${cases}
  esac
}
compdef _sluice sluice
`;
}

/** The completion script for `shell`. */
export function completion(program: ProgramSpec, shell: 'bash' | 'zsh'): string {
  return shell === 'bash' ? bash(program) : zsh(program);
}

import { SETTINGS } from './settings';

/** A row of the settings table shown by `discern --help` and the README. */
export interface SettingRow {
  name: string;
  default: string;
  description: string;
}

/**
 * The environment variables as plain rows (optional ones show an empty default).
 *
 * @example
 * for (const row of settingsTable()) console.log(row.name, row.default);
 */
export function settingsTable(): SettingRow[] {
  return SETTINGS.map((s) => ({ name: s.name, default: s.default ?? '', description: s.description }));
}

/**
 * The table as aligned plain text, for `--help`.
 *
 * @example
 * program.addHelpText('after', '\nEnvironment:\n' + formatSettingsTable());
 */
export function formatSettingsTable(): string {
  const rows = settingsTable();
  const nameWidth = Math.max(...rows.map((r) => r.name.length));
  const defaultWidth = Math.max(...rows.map((r) => r.default.length));
  return rows.map((r) => `  ${r.name.padEnd(nameWidth)}  ${r.default.padEnd(defaultWidth)}  ${r.description}`).join('\n');
}

/** Settings whose values are secrets: shown as set or not, never printed. */
const SECRET = /(KEY|SECRET|PASSWORD|TOKEN)$/;

/**
 * The settings with the value in effect for each (the environment's, else the default; secrets
 * masked), as aligned plain text for `discern config`.
 *
 * @example
 * console.log(formatEffectiveSettings(process.env));
 * //   PORT      8080  (default)  HTTP port of the API
 * //   LOG_LEVEL debug (env)      Log level: …
 */
export function formatEffectiveSettings(env: NodeJS.ProcessEnv): string {
  const rows = SETTINGS.map((s) => {
    const fromEnv = env[s.name];
    const raw = fromEnv !== undefined && fromEnv !== '' ? fromEnv : s.default;
    const value = raw === undefined ? '(unset)' : SECRET.test(s.name) ? '(set)' : raw;
    const source = fromEnv !== undefined && fromEnv !== '' ? 'env' : 'default';
    return { name: s.name, value, source, description: s.description };
  });
  const nameWidth = Math.max(...rows.map((r) => r.name.length));
  const valueWidth = Math.min(40, Math.max(...rows.map((r) => r.value.length)));
  return rows.map((r) => `  ${r.name.padEnd(nameWidth)}  ${r.value.padEnd(valueWidth)}  ${`(${r.source})`.padEnd(9)}  ${r.description}`).join('\n');
}

/**
 * The table in Markdown, for the README.
 *
 * @example
 * writeFileSync('docs/settings.md', settingsMarkdown());
 */
export function settingsMarkdown(): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '| Variable | Default | Description |',
    '| --- | --- | --- |',
    ...settingsTable().map((r) => `| \`${r.name}\` | ${r.default ? `\`${escape(r.default)}\`` : ''} | ${escape(r.description)} |`),
  ].join('\n');
}

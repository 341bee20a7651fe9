export { ConfigError, loadConfig, type Config } from './load-config';
export { BACKENDS, LOG_LEVELS, LOSSES, MINERS, SETTINGS, type Setting, type SettingName } from './settings';
export { formatEffectiveSettings, formatSettingsTable, settingsMarkdown, settingsTable, type SettingRow } from './settings-table';

import { ConfigError, loadConfig } from '../../src/config.js';

/** The ConfigError loadConfig throws for `env`, or undefined when the settings are accepted. */
export function configErrorOf(env: Record<string, string>): ConfigError | undefined {
  try {
    loadConfig(env);
    return undefined;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err;
  }
}

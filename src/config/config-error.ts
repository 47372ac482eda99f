/** A configuration problem an operator can fix; the message names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

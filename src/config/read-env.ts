import { ConfigError } from "./config-error.js";

export type Env = Record<string, string | undefined>;

export function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function requireVar(env: Env, name: string, why: string): string {
  const value = read(env, name);
  if (!value) throw new ConfigError(`${name} is required ${why}`);
  return value;
}

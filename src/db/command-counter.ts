import type { Connection, mongo } from "mongoose";

/** Commands that are the driver's own housekeeping, not work a request asked for. */
const HOUSEKEEPING = new Set(["hello", "ismaster", "isMaster", "endSessions", "saslStart", "saslContinue"]);

export interface CommandCounter {
  /** The commands started since the last reset, in order: "findAndModify webhook_deliveries". */
  readonly commands: readonly string[];
  /** How many commands (database round trips) started since the last reset. */
  count(): number;
  reset(): void;
  /** Stops listening. */
  stop(): void;
}

/**
 * Counts the database commands a piece of work sends, through the driver's command monitoring:
 * each command is one round trip to the server. The connection must be opened with
 * `monitorCommands: true` (the driver emits no command events otherwise), so this is for tests
 * and benchmarks, not the production connection.
 */
export function countCommands(connection: Connection): CommandCounter {
  const client = connection.getClient();
  if (!client.options.monitorCommands) {
    throw new Error("countCommands needs a connection opened with monitorCommands: true");
  }
  const commands: string[] = [];
  const listener = (event: mongo.CommandStartedEvent) => {
    if (HOUSEKEEPING.has(event.commandName)) return;
    const target = (event.command as Record<string, unknown>)[event.commandName];
    commands.push(typeof target === "string" ? `${event.commandName} ${target}` : event.commandName);
  };
  client.on("commandStarted", listener);
  return {
    commands,
    count: () => commands.length,
    reset: () => {
      commands.length = 0;
    },
    stop: () => {
      client.off("commandStarted", listener);
    },
  };
}

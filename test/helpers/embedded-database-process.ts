/**
 * A parent for the orphan tests to kill: starts one embedded database and idles, with no signal
 * or exit handlers of its own. Run with `node --import tsx`; argv: kind, data directory (optional:
 * without it, a temporary one).
 */
import { isEmbeddedKind } from "../../src/db/embedded/embedded-kind.js";
import { startEmbeddedMongo } from "../../src/db/embedded/embedded-mongo.js";

const [kind = "", dataDir] = process.argv.slice(2);
if (!isEmbeddedKind(kind)) throw new Error(`not an embedded kind: ${kind}`);
const server = await startEmbeddedMongo({ kind, dataDir: dataDir || undefined });
process.stdout.write(`${JSON.stringify({ uri: server.uri })}\n`);
setInterval(() => undefined, 60_000);

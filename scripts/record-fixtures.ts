/**
 * Re-records the GitHub answers the tests replay with nock.back (test/fixtures/nock-back/), from
 * the real GitHub, with your own App's credentials. Secrets never reach the files: the client
 * id and secret, the OAuth code, the base URL and every token are replaced by the stand-ins the
 * tests use before anything is written.
 *
 *   1. Fill .env as for `npm start` (APP_ID, PRIVATE_KEY, GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET,
 *      BASE_URL whose /github/callback is the App's callback URL), and install the App on an
 *      account you can see.
 *   2. Open <GitHub>/login/oauth/authorize?client_id=<GITHUB_CLIENT_ID>&redirect_uri=<BASE_URL>/github/callback
 *      in a browser where you are signed in to GitHub, and copy `code` from the address GitHub
 *      sends you back to (the page itself may fail: nothing needs to be listening). Codes expire
 *      after 10 minutes and work once.
 *   3. NOCK_BACK_MODE=update RECORD_OAUTH_CODE=<code> RECORD_INSTALLATION_ID=<id> npx tsx scripts/record-fixtures.ts
 *      ("record" only writes fixtures that do not exist yet; "update" replaces them.)
 *   4. Run `npx vitest run test/integration/github/user-auth.test.ts` and commit the changed JSON.
 */
import "dotenv/config";
import { loadConfig } from "../src/config/env.js";
import { createGitHubUrls } from "../src/github/urls.js";
import { createGitHubUserAuth } from "../src/github/user-auth.js";
import { nockBackMode, RECORDING_STAND_INS, withNockBack } from "../test/helpers/nock-back.js";

const RECORDED = RECORDING_STAND_INS;

async function main(): Promise<void> {
  const mode = nockBackMode();
  if (mode !== "record" && mode !== "update") {
    throw new Error(`set NOCK_BACK_MODE=record (new fixtures only) or update (all again); it is "${mode}"`);
  }
  const code = process.env.RECORD_OAUTH_CODE;
  const installationId = Number(process.env.RECORD_INSTALLATION_ID);
  if (!code || !Number.isSafeInteger(installationId))
    throw new Error("set RECORD_OAUTH_CODE and RECORD_INSTALLATION_ID");
  const config = loadConfig();
  const { clientId, clientSecret } = config.github;
  if (!clientId || !clientSecret) throw new Error("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET are needed");
  const urls = createGitHubUrls({ github: config.github, baseUrl: config.baseUrl });
  const userAuth = createGitHubUserAuth({ github: config.github, redirectUri: urls.callbackUrl });

  const access = await withNockBack(
    "oauth-user-installations",
    () => userAuth.checkInstallationAccess(code, installationId),
    {
      redactions: [
        { secret: clientSecret, replacement: RECORDED.clientSecret },
        { secret: clientId, replacement: RECORDED.clientId },
        { secret: code, replacement: RECORDED.code },
        { secret: config.baseUrl, replacement: RECORDED.baseUrl },
      ],
    },
  );
  console.log(
    `recorded: installation ${installationId} ${access.visible ? "is" : "is NOT"} visible to the user (${access.apiCalls} requests)`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

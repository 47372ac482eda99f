import {
  AuthorizationDeniedError,
  BadVerificationCodeError,
  GitHubUnavailableError,
  InstallationGoneError,
  InstallationLinkedElsewhereError,
  InstallationNotVisibleError,
  OrganizationAlreadyConnectedError,
} from "../../connect/connect-errors.js";
import { StateTokenError, type StateTokenFailure } from "../../connect/state-token.js";
import { HttpError } from "../http-error.js";

const START_AGAIN = "Nothing was changed. Go back to Settings and start again.";

const statePages = (appName: string): Record<StateTokenFailure, [number, string, string]> => ({
  expired: [400, "This link has expired", `Connect links work for 10 minutes. ${START_AGAIN}`],
  forged: [
    400,
    "This link is not valid",
    `The link did not come from ${appName}, or it was changed on the way. ${START_AGAIN}`,
  ],
  replayed: [400, "This link was already used", `Each connect link works once. ${START_AGAIN}`],
  "wrong-org": [
    403,
    "This link is for another organization",
    `It was started in a different organization from the one you are signed in to. ${START_AGAIN}`,
  ],
  "wrong-user": [
    403,
    "This link was started by someone else",
    `Only the person who pressed Connect GitHub can finish it. ${START_AGAIN}`,
  ],
  "wrong-session": [
    403,
    "This link was started in another browser",
    `Finish connecting in the browser where you pressed Connect GitHub, or start again here. ${START_AGAIN}`,
  ],
});

/** The page (status, title, words) for an error of the GitHub connect flow, or null if it is not one. */
/** `appName`: the App as GitHub shows it, where the words name it. */
export function connectErrorPage(error: unknown, appName: string): HttpError | null {
  if (error instanceof StateTokenError) {
    const [status, title, message] = statePages(appName)[error.reason];
    return new HttpError(status, title, message);
  }
  if (error instanceof AuthorizationDeniedError) {
    return new HttpError(
      403,
      "GitHub authorization was not given",
      `${appName} asks you to authorize it on GitHub to check that you can see the installation. ${START_AGAIN}`,
    );
  }
  if (error instanceof BadVerificationCodeError) {
    return new HttpError(
      400,
      "GitHub did not accept the sign-in code",
      `The code GitHub sent back is wrong, already used or expired. ${START_AGAIN}`,
    );
  }
  if (error instanceof InstallationNotVisibleError) {
    return new HttpError(
      403,
      "You cannot see this installation on GitHub",
      `Your GitHub account has no access to this installation of ${appName}, so it cannot be connected to your organization. Nothing was changed. Sign in to GitHub as an owner of the account where the app is installed, then start again from Settings.`,
    );
  }
  if (error instanceof InstallationLinkedElsewhereError) {
    return new HttpError(
      409,
      "Connected to another organization",
      `This GitHub installation is already connected to a different organization in ${appName}. Nothing was changed. An admin of that organization has to disconnect it first.`,
    );
  }
  if (error instanceof OrganizationAlreadyConnectedError) {
    return new HttpError(
      409,
      "Your organization is already connected",
      "Your organization is already connected to GitHub. Nothing was changed. Disconnect it in Settings before connecting another account.",
    );
  }
  if (error instanceof InstallationGoneError) {
    return new HttpError(
      410,
      "This installation was removed",
      `${appName} was uninstalled from that account on GitHub. ${START_AGAIN}`,
    );
  }
  if (error instanceof GitHubUnavailableError) {
    return new HttpError(
      502,
      "GitHub did not answer as expected",
      "Nothing was changed. Try again in a minute; if it keeps happening, tell your administrator.",
    );
  }
  return null;
}

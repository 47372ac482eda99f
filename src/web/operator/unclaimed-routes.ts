import { Router, type Request, type Response } from "express";
import { ORGANIZATION_ID_PATTERN } from "../../config/service-access.js";
import {
  InstallationGoneError,
  InstallationLinkedElsewhereError,
  OrganizationAlreadyConnectedError,
} from "../../connect/connect-errors.js";
import { accountDisplayName } from "../../github/account.js";
import { linkStoredInstallation } from "../../installations/organization-connection.js";
import type { GitHubInstallationDoc } from "../../models/github-installation.js";
import { pageWindow } from "../../repos/repo-listing.js";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { NotFoundError } from "../http-error.js";
import { requestedPage } from "../pagination.js";
import { addFlash } from "../session/flow.js";
import { reportRepoAccess } from "../settings/repo-access-flash.js";
import { dateView } from "../settings/settings-view-model.js";
import { operatorActor } from "./operator-access.js";
import { UNCLAIMED } from "./organization-directory.js";
import { OPERATOR_PAGE_SIZE, OPERATOR_PAGES, OPERATOR_PATH } from "./operator-paths.js";
import { renderOperatorPage } from "./operator-view.js";
import { consolePagination, instantView, number } from "./console-format.js";
import { countUnclaimedEvents, readUnclaimedEvents } from "../../events/console-events.js";

/** The confirm page and its form's target: link one stored installation to an organization. */
export const LINK_INSTALLATION_PATH = `${OPERATOR_PATH}/installations/:installationId/link`;
export const linkInstallationPath = (installationId: number) => `${OPERATOR_PATH}/installations/${installationId}/link`;

/** Installation ids are GitHub's positive integers; 15 digits is far past any GitHub has given. */
const INSTALLATION_ID = /^[1-9][0-9]{0,14}$/;

/** The stored kind in the words operators read. */
const KIND = { Organization: "organization", User: "user", Enterprise: "enterprise" } as const;

function installationIdOf(req: Request): number {
  const raw = req.params.installationId;
  if (typeof raw !== "string" || !INSTALLATION_ID.test(raw))
    throw new NotFoundError("There is no installation with this id: it is not a number.");
  return Number(raw);
}

async function storedInstallation(deps: GitHubConnectDeps, installationId: number): Promise<GitHubInstallationDoc> {
  const installation = await deps.models.GitHubInstallation.findOne({ installationId }).lean();
  if (!installation) throw new NotFoundError(`No installation ${installationId} is stored.`);
  return installation;
}

function accountView(installation: GitHubInstallationDoc, deps: GitHubConnectDeps) {
  return {
    name: accountDisplayName(installation),
    login: installation.accountLogin,
    url: deps.urls.accountUrl(installation.accountLogin, installation.accountType),
    kind: KIND[installation.accountType],
  };
}

interface ConfirmState {
  organizationId: string;
  /** What refused the link, in a sentence; null on the first visit. */
  error: string | null;
}

/** The confirm page, first shown or shown again with what refused the link (nothing was changed). */
function renderConfirm(
  res: Response,
  deps: GitHubConnectDeps,
  installation: GitHubInstallationDoc,
  state: ConfirmState,
  status = 200,
): void {
  const account = accountView(installation, deps);
  renderOperatorPage(
    res,
    "unclaimed",
    "operator-unclaimed-link",
    {
      title: `Link installation ${installation.installationId}`,
      installationId: installation.installationId,
      account,
      installedOn: dateView(installation.installedAt ?? installation.createdAt),
      linkedTo: installation.organizationId ?? null,
      deleted: Boolean(installation.deletedAt),
      action: linkInstallationPath(installation.installationId),
      cancelUrl: OPERATOR_PAGES.unclaimed,
      organizationId: state.organizationId,
      error: state.error,
    },
    status,
  );
}

/**
 * Unclaimed installations (docs/operator-console.md): the App installed on an account no
 * organization has linked yet, and the operator's Link to organization…, through the same
 * linkInstallation as Connect (one-to-one, refusals change nothing).
 */
export function unclaimedRoutes(deps: GitHubConnectDeps): Router {
  const router = Router();

  router.get(OPERATOR_PAGES.unclaimed, async (req, res) => {
    const { GitHubInstallation } = deps.models;
    const total = await GitHubInstallation.countDocuments(UNCLAIMED);
    const page = pageWindow(requestedPage(req.query.page), total, OPERATOR_PAGE_SIZE);
    const installations =
      total === 0
        ? []
        : await GitHubInstallation.find(UNCLAIMED)
            .sort({ installedAt: -1, installationId: -1 })
            .skip(page.skip)
            .limit(page.limit)
            .lean();
    const link = (n: number) => `${OPERATOR_PAGES.unclaimed}?page=${n}`;
    // Events without an organization go to no service: this section is where they are seen.
    const eventTotal = await countUnclaimedEvents(deps.models);
    const eventPage = pageWindow(requestedPage(req.query.events), eventTotal, OPERATOR_PAGE_SIZE);
    const events = eventTotal === 0 ? [] : await readUnclaimedEvents(deps.models, eventPage);
    const eventLink = (n: number) => `${OPERATOR_PAGES.unclaimed}?events=${n}`;
    renderOperatorPage(res, "unclaimed", "operator-unclaimed", {
      title: "Unclaimed installations",
      rows: installations.map((installation) => ({
        installationId: installation.installationId,
        account: accountView(installation, deps),
        installedOn: dateView(installation.installedAt ?? installation.createdAt),
        requester: installation.requesterLogin ?? null,
        requesterUrl: installation.requesterLogin ? deps.urls.accountUrl(installation.requesterLogin, "User") : null,
        linkUrl: linkInstallationPath(installation.installationId),
      })),
      totalText: `${number(total)} unclaimed ${total === 1 ? "installation" : "installations"}`,
      pagination: consolePagination(
        page,
        installations.length,
        total,
        ["unclaimed installation", "unclaimed installations"],
        link,
      ),
      events: events.map((event) => {
        const data = (event.data ?? {}) as Record<string, unknown>;
        return {
          when: instantView(event.timestamp),
          type: event.type,
          installationId: typeof data.installationId === "number" ? data.installationId : null,
          accountLogin: typeof data.accountLogin === "string" ? data.accountLogin : null,
          seq: event.seq,
        };
      }),
      eventsTotalText: `${number(eventTotal)} ${eventTotal === 1 ? "event" : "events"}`,
      eventsPagination: consolePagination(eventPage, events.length, eventTotal, ["event", "events"], eventLink),
    });
  });

  router.get(LINK_INSTALLATION_PATH, async (req, res) => {
    const installation = await storedInstallation(deps, installationIdOf(req));
    renderConfirm(res, deps, installation, { organizationId: "", error: null });
  });

  router.post(LINK_INSTALLATION_PATH, async (req, res) => {
    const installationId = installationIdOf(req);
    const installation = await storedInstallation(deps, installationId);
    const body = req.body as Record<string, unknown> | undefined;
    const organizationId = typeof body?.organizationId === "string" ? body.organizationId.trim() : "";
    const again = (error: string, status: number) =>
      renderConfirm(res, deps, installation, { organizationId: organizationId.slice(0, 64), error }, status);

    if (!ORGANIZATION_ID_PATTERN.test(organizationId)) {
      again(
        organizationId === ""
          ? "Type the id of the organization to link it to."
          : "That is not an organization id: 1 to 64 letters, digits, underscores or dashes (org_01H…).",
        400,
      );
      return;
    }
    const operator = operatorActor(req.auth!.email);
    const name = accountDisplayName(installation);
    let linked: Awaited<ReturnType<typeof linkStoredInstallation>>;
    try {
      linked = await linkStoredInstallation(deps, {
        installationId,
        organizationId,
        actor: operator.actor,
        actorName: operator.actorName,
        log: req.log,
      });
    } catch (error) {
      if (error instanceof InstallationLinkedElsewhereError) {
        const current = (await deps.models.GitHubInstallation.findOne({ installationId }).lean())?.organizationId;
        again(
          `Not linked: installation ${installationId} (${name}) is already linked to ${current ? `organization ${current}` : "another organization"}. An installation belongs to one organization; nothing was changed.`,
          409,
        );
        return;
      }
      if (error instanceof OrganizationAlreadyConnectedError) {
        again(
          `Not linked: organization ${organizationId} already has a live installation (${error.installationId}). An organization has one; disconnect that one first. Nothing was changed.`,
          409,
        );
        return;
      }
      if (error instanceof InstallationGoneError) {
        again(
          `Not linked: installation ${installationId} (${name}) was uninstalled on GitHub and cannot be linked. Nothing was changed.`,
          409,
        );
        return;
      }
      throw error;
    }
    if (!linked) throw new NotFoundError(`No installation ${installationId} is stored.`);
    req.log.info(
      { organizationId, installationId, alreadyLinked: linked.alreadyLinked },
      "installation linked by an operator",
    );
    if (linked.alreadyLinked) {
      addFlash(req, "info", `${name} (installation ${installationId}) was already linked to ${organizationId}.`);
    } else {
      addFlash(req, "success", `Linked ${name} (installation ${installationId}) to organization ${organizationId}.`);
      await reportRepoAccess(req, deps, organizationId, installationId);
    }
    res.redirect(303, OPERATOR_PAGES.unclaimed);
  });

  return router;
}

import type { Connection } from "mongoose";
import { auditEventModel, type AuditEventModel } from "./audit-event.js";
import { createEventTimestampIndex, eventModel, type EventModel } from "./event.js";
import {
  eventDeliveryClaimModel,
  eventDeliveryModel,
  eventScanCheckpointModel,
  type EventDeliveryClaimModel,
  type EventDeliveryModel,
  type EventScanCheckpointModel,
} from "./event-delivery.js";
import { endedSessionModel, type EndedSessionModel } from "./ended-session.js";
import { githubInstallationModel, type GitHubInstallationModel } from "./github-installation.js";
import { installRequestModel, type InstallRequestModel } from "./install-request.js";
import { installationClaimModel, type InstallationClaimModel } from "./installation-claim.js";
import { jobLeaseModel, type JobLeaseModel } from "./job-lease.js";
import { marketplaceAccountModel, type MarketplaceAccountModel } from "./marketplace-account.js";
import { reconcileCheckpointModel, type ReconcileCheckpointModel } from "./reconcile-checkpoint.js";
import { redeliveryRequestModel, type RedeliveryRequestModel } from "./redelivery-request.js";
import { repoModel, type RepoModel } from "./repo.js";
import { usedStateModel, type UsedStateModel } from "./used-state.js";
import { webhookBodyModel, type WebhookBodyModel } from "./webhook-body.js";
import { createReceivedAtIndex, webhookDeliveryModel, type WebhookDeliveryModel } from "./webhook-delivery.js";

export interface Models {
  GitHubInstallation: GitHubInstallationModel;
  Repo: RepoModel;
  MarketplaceAccount: MarketplaceAccountModel;
  WebhookDelivery: WebhookDeliveryModel;
  WebhookBody: WebhookBodyModel;
  AuditEvent: AuditEventModel;
  Event: EventModel;
  EventDelivery: EventDeliveryModel;
  EventDeliveryClaim: EventDeliveryClaimModel;
  EventScanCheckpoint: EventScanCheckpointModel;
  UsedState: UsedStateModel;
  InstallRequest: InstallRequestModel;
  InstallationClaim: InstallationClaimModel;
  JobLease: JobLeaseModel;
  ReconcileCheckpoint: ReconcileCheckpointModel;
  RedeliveryRequest: RedeliveryRequestModel;
  EndedSession: EndedSessionModel;
}

/** Binds every model to one connection, so tests and Lambda containers each get their own. */
export function createModels(connection: Connection): Models {
  return {
    GitHubInstallation: githubInstallationModel(connection),
    Repo: repoModel(connection),
    MarketplaceAccount: marketplaceAccountModel(connection),
    WebhookDelivery: webhookDeliveryModel(connection),
    WebhookBody: webhookBodyModel(connection),
    AuditEvent: auditEventModel(connection),
    Event: eventModel(connection),
    EventDelivery: eventDeliveryModel(connection),
    EventDeliveryClaim: eventDeliveryClaimModel(connection),
    EventScanCheckpoint: eventScanCheckpointModel(connection),
    UsedState: usedStateModel(connection),
    InstallRequest: installRequestModel(connection),
    InstallationClaim: installationClaimModel(connection),
    JobLease: jobLeaseModel(connection),
    ReconcileCheckpoint: reconcileCheckpointModel(connection),
    RedeliveryRequest: redeliveryRequestModel(connection),
    EndedSession: endedSessionModel(connection),
  };
}

/** Builds every index; called once at start-up (autoIndex is off so requests never wait on it). */
export async function createIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models) as Array<Models[keyof Models]>) {
    await model.createIndexes();
  }
  await createReceivedAtIndex(models.WebhookDelivery);
  await createReceivedAtIndex(models.WebhookBody);
  await createEventTimestampIndex(models.Event);
}

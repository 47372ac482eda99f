import { describe, expect, it } from "vitest";
import { createDispatcher } from "../../../src/events/dispatcher.js";
import { readEventPage } from "../../../src/events/event-feed.js";
import { recordEvent } from "../../../src/events/event-log.js";
import { useTestModels } from "../../helpers/use-test-server.js";
import { captureLogger } from "../../helpers/test-logger.js";

/** The console's own records (its actions) stay with operators: never in the feed, never pushed to a service. */
describe("events recorded for operators only", () => {
  const holder = useTestModels();

  it("are stored with the operator, and neither served by the feed nor delivered", async () => {
    const { models } = holder;
    const at = new Date();
    const data = { installationId: 1, accountLogin: "acme", accountType: "Organization" };
    const served = await recordEvent(models, at, { type: "connection.suspended", organizationId: "org_acme", data });
    const consoleOnly = await recordEvent(models, at, {
      type: "connection.unsuspended",
      organizationId: "org_acme",
      data,
      actor: "operator:ops@connect.example",
      audience: "operators",
    });
    const stored = await models.Event.findOne({ eventId: consoleOnly }).lean();
    expect(stored).toMatchObject({ actor: "operator:ops@connect.example", audience: "operators", seq: 2 });

    const page = await readEventPage(models, { after: null, limit: 10 });
    expect(page.events.map((event) => event.id)).toEqual([served]);
    const byOrganization = await readEventPage(models, { after: null, limit: 10, organizationId: "org_acme" });
    expect(byOrganization.events.map((event) => event.id)).toEqual([served]);

    const dispatcher = createDispatcher({
      models,
      config: {
        endpoints: ["http://127.0.0.1:9/events"],
        signingSecret: `whsec_${Buffer.alloc(32, 7).toString("base64")}`,
      },
      log: captureLogger().log,
    });
    expect(await dispatcher.scan()).toBe(1);
    expect((await models.EventDelivery.find({}).lean()).map((delivery) => delivery.eventId)).toEqual([served]);
  });
});

import { describe, expect, test } from "vitest";
import { arriveAtSetup, mainOf, pageText, signInAdmin, startConnectServer } from "../../helpers/github-connect.js";
import { useTestServer } from "../../helpers/use-test-server.js";

const ctx = useTestServer(startConnectServer);

describe("error pages say what was wrong, in words, without a status code", () => {
  test("no installation number: the page says it is missing", async () => {
    const admin = await signInAdmin(ctx.server, "org_errors");
    const page = await arriveAtSetup(admin, { setup_action: "install" });
    expect(page.status).toBe(400);
    const text = pageText(mainOf(page.body));
    expect(text).toBe(
      "GitHub did not say which installation The address is missing GitHub's installation number. Go back to Settings and press Connect GitHub again. Back to Settings",
    );
  });

  test.each(["abc", "-2", "1.5", "0", "99999999999999999999"])(
    "an installation number %s: the page says it is invalid, not missing",
    async (value) => {
      const admin = await signInAdmin(ctx.server, "org_errors");
      const page = await arriveAtSetup(admin, { installation_id: value, setup_action: "install" });
      expect(page.status).toBe(400);
      const text = pageText(mainOf(page.body));
      expect(text).toContain("This installation number is not valid");
      expect(text).toContain("The installation number in the address is invalid");
      expect(text).not.toMatch(/missing|Error 400/);
    },
  );

  test("a page that does not exist says so without “Error 404”", async () => {
    const admin = await signInAdmin(ctx.server, "org_errors");
    const page = await admin.get("/no/such/page");
    expect(page.status).toBe(404);
    expect(pageText(mainOf(page.body))).toBe("Page not found There is no page at this address. Back to Settings");
  });
});

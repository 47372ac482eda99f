/** Every console address, in one place for the routes, the views' links and the tests. */
export const OPERATOR_PATH = "/operator";

export const OPERATOR_PAGES = {
  overview: OPERATOR_PATH,
  organizations: `${OPERATOR_PATH}/organizations`,
  unclaimed: `${OPERATOR_PATH}/installations/unclaimed`,
  webhookDeliveries: `${OPERATOR_PATH}/webhook-deliveries`,
  outbound: `${OPERATOR_PATH}/outbound`,
  doctor: `${OPERATOR_PATH}/doctor`,
} as const;

/** The console's own rows per page. */
export const OPERATOR_PAGE_SIZE = 50;

/** The console's navigation, in the order the header shows it. */
export const OPERATOR_NAV: readonly { key: keyof typeof OPERATOR_PAGES; label: string }[] = [
  { key: "overview", label: "Overview" },
  { key: "organizations", label: "Organizations" },
  { key: "unclaimed", label: "Unclaimed installations" },
  { key: "webhookDeliveries", label: "Webhook deliveries" },
  { key: "outbound", label: "Outbound events" },
  { key: "doctor", label: "Doctor" },
];

/** An organization's console page (organizations-routes.ts); the id is ORGANIZATION_ID_PATTERN's. */
export const organizationPagePath = (organizationId: string) =>
  `${OPERATOR_PAGES.organizations}/${encodeURIComponent(organizationId)}`;

/** The organization's settings page as its members see it, read-only (organizations-routes.ts). */
export const organizationSettingsPath = (organizationId: string) => `${organizationPagePath(organizationId)}/settings`;

/** The organization's Activity page as its members see it. */
export const organizationActivityPath = (organizationId: string) => `${organizationPagePath(organizationId)}/activity`;

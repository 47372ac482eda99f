/** WorkOS's API, where sign-in and sign-out send the browser (the Content-Security-Policy names it). */
export const WORKOS_API_URL = "https://api.workos.com";

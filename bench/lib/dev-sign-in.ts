/**
 * Signs in through the development sign-in form (AUTH_MODE=dev) the way a browser does: the
 * form's CSRF token and flow cookie, then the POST; returns the Cookie header to send afterwards.
 */
export async function devSignIn(
  baseUrl: string,
  who: { email: string; organizationId: string; role: "admin" | "member" },
): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  };
  const cookie = () =>
    [...jar]
      .filter(([, v]) => v !== "")
      .map(([k, v]) => `${k}=${v}`)
      .join("; ");
  const form = await fetch(`${baseUrl}/auth/login`, { headers: { accept: "text/html" } });
  keep(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error("the development sign-in form has no CSRF token (is AUTH_MODE=dev?)");
  const signedIn = await fetch(`${baseUrl}/auth/dev-login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html", cookie: cookie() },
    body: new URLSearchParams({ _csrf: csrf, ...who }).toString(),
  });
  if (signedIn.status !== 303) throw new Error(`development sign-in answered ${signedIn.status}`);
  keep(signedIn);
  return cookie();
}

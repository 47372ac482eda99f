import nock from "nock";
import { testPrivateKey } from "../app-credentials.js";
import { documentedBody } from "../contract/openapi-responses.js";
import { githubFixture, type Json } from "./fixtures.js";
import { APP_JWT, GITHUB_API } from "./rest.js";

/* The App itself: `GET /app`, and the manifest flow's conversion (src/web/registration/). */

/** `GET /app` with the App's JWT: the App as GitHub names it (test/fixtures/github/app.json), with `changes` applied. */
export function nockGetApp(changes: Json | { status: 500 | 401 } = {}): nock.Scope {
  const scope = nock(GITHUB_API).get("/app").matchHeader("authorization", APP_JWT);
  if ("status" in changes && typeof changes.status === "number") {
    // GET /app documents no 401 or 5xx body: GitHub's basic-error, as it sends it.
    return scope.reply(changes.status, {
      message: changes.status === 401 ? "A JSON web token could not be decoded" : "Server Error",
      documentation_url: "https://docs.github.com/rest",
      status: String(changes.status),
    });
  }
  return scope.reply(200, documentedBody("GET /app", 200, { ...githubFixture("app"), ...changes }));
}

/** The App's webhook as `GET /app/hook/config` reports it (GitHub masks the secret), with `changes` applied. */
export function appHookConfigJson(changes: Json = {}): Json {
  return {
    content_type: "json",
    insecure_ssl: "0",
    secret: "********",
    url: "https://example.com/webhook",
    ...changes,
  };
}

/** `GET /app/hook/config` with the App's JWT, checked against GitHub's description; a 5xx answers GitHub's error body. */
export function nockGetAppHookConfig(changes: Json | { status: 500 } = {}): nock.Scope {
  const scope = nock(GITHUB_API).get("/app/hook/config").matchHeader("authorization", APP_JWT);
  if ("status" in changes && changes.status === 500) return scope.reply(500, { message: "Server Error" });
  return scope.reply(200, documentedBody("GET /app/hook/config", 200, appHookConfigJson(changes as Json)));
}

/** What `POST /app-manifests/{code}/conversions` answers: the App GitHub registered, with a real PEM (and any field replaced by `changes`). */
export function manifestConversionJson(changes: Json = {}): Json {
  return { ...githubFixture("app-manifest-conversion"), pem: testPrivateKey(), ...changes };
}

/** `POST /app-manifests/{code}/conversions`: 201 with manifestConversionJson, as raw JSON. */
export function nockManifestConversion(code: string, changes: Json = {}): nock.Scope {
  const body = JSON.stringify(
    documentedBody("POST /app-manifests/{code}/conversions", 201, manifestConversionJson(changes)),
  );
  return nock(GITHUB_API)
    .post(`/app-manifests/${code}/conversions`)
    .reply(201, body, { "content-type": "application/json; charset=utf-8" });
}

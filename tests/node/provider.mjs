// A real OpenID Connect provider for the single sign-on tests, standing in for a school's Google Workspace or
// Microsoft Entra ID tenant. Its settings come as JSON in the first argument:
//   {"port": 4010, "issuer": "http://127.0.0.1:4010", "idTokenTtl": 3600,
//    "clients": [{"client_id": "...", "client_secret": "...", "redirect_uris": ["..."]}],
//    "accounts": {"sato": {"email": "sato@school.example", "email_verified": true, "name": "佐藤"}}}
// The sign-in page is the provider's own development page: any password is accepted for a listed account, by its
// login name or its e-mail address.
// Consent is taken as given, as a school tenant's administrator grants it for the whole domain.
// It prints "ready <issuer>" once it listens, and stops on SIGTERM.
import Provider from "oidc-provider";

const settings = JSON.parse(process.argv[2]);

const provider = new Provider(settings.issuer, {
  clients: settings.clients.map((client) => ({
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_post",
    ...client,
  })),
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  // Like Google's, the ID token carries the e-mail claims itself.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    // Signed in by login name or by e-mail address (the login hint fills in the address).
    const account = settings.accounts[id] ?? Object.values(settings.accounts).find((a) => a.email === id);
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
  async loadExistingGrant(ctx) {
    const { provider, client, session, result } = ctx.oidc;
    const grantId = result?.consent?.grantId || session.grantIdFor(client.clientId);
    const existing = grantId ? await provider.Grant.find(grantId) : undefined;
    if (existing || !session.accountId) return existing;
    const grant = new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
    grant.addOIDCScope("openid email profile");
    grant.addOIDCClaims(["email", "email_verified", "name"]);
    await grant.save();
    return grant;
  },
  ttl: { IdToken: settings.idTokenTtl ?? 3600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["meister-portal-test-provider"] },
});

// Errors the provider answers with "server_error" are written to stderr, which the test shows when it fails.
provider.on("server_error", (ctx, error) => console.error("server_error", error));

const server = provider.listen(settings.port, "127.0.0.1", () => {
  console.log(`ready ${settings.issuer}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));

// A real OpenID provider for the end-to-end tests: `oidc-provider` (an
// OpenID-certified implementation) on 127.0.0.1, with one test client and
// test users. Started and stopped by the tests that need it
// (tests/identity-provider.spec.ts); never used in service.
//
// Usage: node oidc/provider.mjs <port>. Prints "ready" when it listens.
// Sign-in is oidc-provider's development login form (devInteractions):
// any password; the user name picks one of USERS below.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? 4010);
const issuer = `http://127.0.0.1:${port}`;

export const CLIENT_ID = 'samplan-e2e';
// Test-only: a provider on loopback that lives as long as one test run.
export const CLIENT_SECRET = 'e2e-test-only-secret';

/** The test users, by the name typed in the login form. */
const USERS = {
  // Staff of a trusted organisation, with an account made by `user add --hsa-id`.
  anna: { name: 'Anna Läkare', employeeHsaId: 'SE2321000016-A1', healthCareProviderHsaId: 'SE2321000016-TRUST' },
  // Staff of an organisation Samplan does not trust.
  okand: { name: 'Okänd Person', employeeHsaId: 'SE9999999999-X1', healthCareProviderHsaId: 'SE9999999999-UNTRUSTED' },
  // The person the plan is about (a test personal identity number of Skatteverket's).
  tolvan: { name: 'Tolvan Tolvansson', personalIdentityNumber: '191212121212' },
};

// A signing key made now: no key is committed.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'e2e', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      // Every Samplan the tests start has a port of its own: checked below instead.
      redirect_uris: ['http://127.0.0.1/auth/siths/callback'],
      post_logout_redirect_uris: ['http://127.0.0.1/logga-in'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: ['e2e-test-only-cookie-key'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  claims: {
    openid: ['sub'],
    profile: ['name', 'employeeHsaId', 'healthCareProviderHsaId', 'personalIdentityNumber'],
  },
  // The claims of the scopes asked for go into the ID token, which is all Samplan reads.
  conformIdTokenClaims: false,
  acrValues: ['http://id.elegnamnden.se/loa/1.0/loa3'],
  async findAccount(_ctx, id) {
    const user = USERS[id];
    if (!user) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...user }) };
  },
  ttl: { IdToken: 3600, Session: 3600, Grant: 3600, Interaction: 600, AuthorizationCode: 60 },
});

// Any Samplan on loopback, whatever its port.
const loopback = (uri, path) => /^http:\/\/127\.0\.0\.1:\d+\//.test(uri) && new URL(uri).pathname.match(path);
provider.Client.prototype.redirectUriAllowed = function (uri) {
  return Boolean(loopback(uri, /^\/auth\/[a-z0-9-]+\/callback$/));
};
provider.Client.prototype.postLogoutRedirectUriAllowed = function (uri) {
  return Boolean(loopback(uri, /^\/logga-in$/));
};

provider.listen(port, '127.0.0.1', () => console.log('ready'));

// A real OpenID Connect provider for the sign-in tests: panva/oidc-provider (OpenID Certified) on
// loopback, with the users and the one client (pneumo) given in a JSON file:
//   node provider.mjs CONFIG.json
//   {"port": 0, "client": {"client_id", "client_secret", "redirect_uris": [...], "post_logout_redirect_uris": [...]},
//    "users": {"<login>": {"name", "email", "roles": [...]}}}
// The development sign-in form accepts a login and any password; a login not in "users" signs in
// with no claims beyond "sub" (a person the hospital gave no pneumo role). Prints "listening PORT".
import { readFileSync } from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const server = http.createServer();
await new Promise((resolve) => server.listen(config.port || 0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://localhost:${port}`;

const provider = new Provider(issuer, {
  clients: [{ ...config.client, grant_types: ['authorization_code'], response_types: ['code'] }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], roles: ['roles'] },
  scopes: ['openid', 'email', 'profile', 'roles', 'offline_access'],
  conformIdTokenClaims: false, // the claims go in the ID token, which is what Streamlit's st.user shows
  pkce: { required: () => false },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, sub) {
    const user = config.users[sub];
    return {
      accountId: sub,
      async claims() {
        return user ? { sub, name: user.name, email: user.email, email_verified: true, roles: user.roles } : { sub };
      },
    };
  },
  async loadExistingGrant(ctx) { // the test client is first-party: no consent screen
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile roles');
    grant.addOIDCClaims(['sub', 'name', 'email', 'email_verified', 'roles']);
    await grant.save();
    return grant;
  },
});
provider.proxy = false;
server.on('request', provider.callback());
console.log(`listening ${port}`);

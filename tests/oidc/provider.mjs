// A real OpenID provider for the tests: oidc-provider on a free loopback port,
// printing {"issuer": ...} on stdout once it listens.
//
// Machine clients get JWT access tokens by the client credentials grant, one
// client per kind of caller the tests need (CALLERS: client id -> the claims its
// tokens carry); `resource` is the audience; a client whose id ends in `-es`
// gets ES256 tokens, the others RS256.
//
// PAGE={"client_id", "redirect_uri"} adds the planning page's public client
// (authorization code with PKCE) and the provider's own sign-in form, where any
// password goes and USERS (login -> claims) says what each person's tokens carry.
//
// POST /test/sign {claims, alg, kid?} signs any claims with the provider's own
// current key, for the checks a live provider will not produce on demand
// (expired, not yet valid, another issuer).
//
//   KEYS=FILE     the signing keys, made on first start and kept there
//   ROTATE=1      make new keys and sign with them (the old stay published)
//   PORT=N        listen there (to restart under the same issuer)
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';
import { importJWK, SignJWT } from 'jose';

const keyFile = process.env.KEYS;
const made = (alg) => {
  const { privateKey } = alg === 'RS256'
    ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
    : crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid: crypto.randomUUID() };
};
let keys = keyFile && fs.existsSync(keyFile) ? JSON.parse(fs.readFileSync(keyFile, 'utf8')) : [];
if (keys.length === 0 || process.env.ROTATE) {
  keys = [made('RS256'), made('ES256'), ...keys];
}
if (keyFile) fs.writeFileSync(keyFile, JSON.stringify(keys));

// Who each client is for guanxi: the claims its tokens carry.
const callers = JSON.parse(process.env.CALLERS || '{}');
const page = process.env.PAGE ? JSON.parse(process.env.PAGE) : null;
const users = JSON.parse(process.env.USERS || '{}');

const server = http.createServer();
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const clients = Object.keys(callers).map((client_id) => ({
    client_id,
    client_secret: `${client_id}-secret`,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
  }));
  if (page) {
    clients.push({
      client_id: page.client_id,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [page.redirect_uri],
      post_logout_redirect_uris: [page.redirect_uri],
    });
  }
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys },
    features: {
      devInteractions: { enabled: Boolean(page) },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:guanxi',
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource, client) => ({
          scope: 'api',
          audience: resource,
          accessTokenTTL: 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: client.clientId.endsWith('-es') ? 'ES256' : 'RS256' } },
        }),
      },
    },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, preferred_username: sub, ...(users[sub] ?? {}) }),
    }),
    extraTokenClaims: (_ctx, token) => callers[token.clientId]
      ?? (token.accountId ? { preferred_username: token.accountId, ...(users[token.accountId] ?? {}) } : undefined),
  });
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (req.method !== 'POST' || req.url !== '/test/sign') return handle(req, res);
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', async () => {
      const { claims, alg = 'RS256', kid } = JSON.parse(body);
      const jwk = keys.find((k) => k.alg === alg);
      const key = await importJWK(jwk, alg);
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg, kid: kid ?? jwk.kid, typ: 'at+jwt' })
        .sign(key);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ token }));
    });
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

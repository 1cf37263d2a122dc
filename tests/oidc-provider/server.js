// A local OpenID Connect provider shaped like Entra ID's v2.0 endpoint, for K8Posture's browser and
// integration tests, plus a Microsoft Graph stub for group overage. Not for production: there are no passwords.
//
//   node server.js [--port N] [--tenant GUID] [--config FILE]      (or PORT, TENANT, OIDC_CONFIG)
//
// Issuer: http://127.0.0.1:<port>/<tenant>/v2.0 (discovery at <issuer>/.well-known/openid-configuration).
// Graph:  http://127.0.0.1:<port>/graph/v1.0/users/{oid}/transitiveMemberOf[/microsoft.graph.group or /graph.group]
// Prints one line `oidc-provider ready issuer=<issuer> graph=<graph base> port=<port>` once it listens.
//
// FILE is JSON: { "tenant", "clients": [...], "users": [...], "graph_page_size" } — see defaultConfig() for the shape.
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const GRAPH_AUDIENCES = new Set(['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000']);

function argument(name) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
}

function defaultConfig(tenant) {
  return {
    tenant,
    graph_page_size: 2,
    clients: [
      {
        kind: 'web',
        client_id: '11111111-1111-4111-8111-111111111111',
        client_secret: 'local-web-secret',
        redirect_uris: ['http://127.0.0.1/signin-oidc'],
        post_logout_redirect_uris: ['http://127.0.0.1/signout-callback-oidc'],
        object_id: '21111111-1111-4111-8111-111111111111',
        display_name: 'K8Posture',
        graph_roles: ['GroupMember.Read.All'],
      },
      {
        kind: 'pipeline',
        client_id: '31111111-1111-4111-8111-111111111111',
        client_secret: 'local-pipeline-secret',
        object_id: '41111111-1111-4111-8111-111111111111',
        display_name: 'payments-ci',
        roles: ['Pipeline.Ingest'],
        audience: '11111111-1111-4111-8111-111111111111',
      },
    ],
    users: [
      {
        login: 'admin@contoso.test', oid: '51111111-1111-4111-8111-111111111111', name: 'Ada Admin', roles: ['Security.Admin'],
      },
      {
        login: 'member@contoso.test', oid: '61111111-1111-4111-8111-111111111111', name: 'Mo Member', roles: ['AppTeam.Member'], groups: ['71111111-1111-4111-8111-111111111111'],
      },
      { login: 'norole@contoso.test', oid: '81111111-1111-4111-8111-111111111111', name: 'Nora Norole' },
      {
        login: 'overage@contoso.test', oid: '91111111-1111-4111-8111-111111111111', name: 'Olu Overage', roles: ['AppTeam.Member'], overage: true, groups: ['71111111-1111-4111-8111-111111111111'],
      },
    ],
  };
}

const configFile = argument('config') ?? process.env.OIDC_CONFIG;
const requestedPort = Number(argument('port') ?? process.env.PORT ?? 0);
const fileConfig = configFile ? JSON.parse(readFileSync(configFile, 'utf8')) : undefined;
const tenant = argument('tenant') ?? process.env.TENANT ?? fileConfig?.tenant ?? randomUUID();
const config = fileConfig ?? defaultConfig(tenant);
config.tenant = tenant;
const graphPageSize = config.graph_page_size ?? 2;

const usersByLogin = new Map(config.users.map((u) => [u.login.toLowerCase(), u]));
const usersByOid = new Map(config.users.map((u) => [u.oid.toLowerCase(), u]));
const clientsById = new Map(config.clients.map((c) => [c.client_id, c]));
const webClient = config.clients.find((c) => c.kind === 'web');

// One RS256 signing key per run, like Entra's rotating keys: tokens from an earlier run must not validate.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(12).toString('base64url'), alg: 'RS256', use: 'sig' };
const verificationKey = createPublicKey({ key: { kty: signingJwk.kty, n: signingJwk.n, e: signingJwk.e }, format: 'jwk' });

// Entra's `sub` is pairwise (per app), unlike `oid`: the app must read `oid` to know who someone is.
const pairwiseSub = (oid, clientId) => createHash('sha256').update(`${oid}:${clientId}`).digest('base64url').slice(0, 43);

const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > 16_384) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

function page(res, status, title, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:"Segoe UI",Arial,sans-serif;background:#f2f2f2;margin:0}main{background:#fff;max-width:440px;margin:64px auto;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 16px}input{width:100%;font-size:15px;padding:6px 0;border:0;border-bottom:1px solid #666;margin:12px 0}
button{background:#0067b8;color:#fff;border:0;padding:8px 28px;font-size:15px;cursor:pointer;float:right}.error{color:#e81123}small{color:#666;display:block;clear:both;padding-top:24px}</style>
</head><body><main>${body}</main></body></html>`);
}

function json(res, status, value, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(value));
}

// ---------------------------------------------------------------------------------------------------------------
// Microsoft Graph stub: the app's own token (client credentials, audience Graph) reads a user's transitive groups.
function graphError(res, status, code, message) {
  json(res, status, { error: { code, message, innerError: { 'request-id': randomUUID(), date: new Date().toISOString() } } });
}

function verifyGraphToken(req) {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer (.+)$/i.exec(header);
  if (!match) return 'Access token is empty.';
  const [encodedHeader, encodedPayload, signature] = match[1].split('.');
  if (!signature) return 'Access token is not a JWT.';
  const joseHeader = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
  if (joseHeader.alg !== 'RS256' || joseHeader.kid !== signingJwk.kid) return 'Access token was not signed by this tenant.';
  const signed = verify('sha256', Buffer.from(`${encodedHeader}.${encodedPayload}`), verificationKey, Buffer.from(signature, 'base64url'));
  if (!signed) return 'Access token signature is invalid.';
  const claims = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8'));
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((a) => GRAPH_AUDIENCES.has(a))) return `Access token audience ${claims.aud} is not Microsoft Graph.`;
  if (claims.exp * 1000 < Date.now()) return 'Lifetime validation failed, the token is expired.';
  if (claims.tid !== tenant) return 'Access token is from another tenant.';
  const roles = claims.roles ?? [];
  if (!roles.some((r) => ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'User.Read.All'].includes(r))) {
    return { forbidden: 'Insufficient privileges to complete the operation.' };
  }
  return undefined;
}

function handleGraph(req, res, url, graphBase) {
  const failure = verifyGraphToken(req);
  if (typeof failure === 'string') return graphError(res, 401, 'InvalidAuthenticationToken', failure);
  if (failure?.forbidden) return graphError(res, 403, 'Authorization_RequestDenied', failure.forbidden);

  const memberOf = /^\/graph\/v1\.0\/users\/([^/]+)\/transitiveMemberOf(\/(?:microsoft\.)?graph\.group)?\/?$/.exec(url.pathname);
  const getMemberObjects = /^\/graph\/v1\.0\/users\/([^/]+)\/getMemberObjects\/?$/.exec(url.pathname);
  const oid = decodeURIComponent((memberOf ?? getMemberObjects)?.[1] ?? '').toLowerCase();
  const user = usersByOid.get(oid);
  if (!memberOf && !getMemberObjects) return graphError(res, 400, 'BadRequest', `Resource not found for the segment '${url.pathname}'.`);
  if (!user) return graphError(res, 404, 'Request_ResourceNotFound', `Resource '${oid}' does not exist or one of its queried reference-property objects are not present.`);

  const groups = (user.groups ?? []).map((id) => ({ '@odata.type': '#microsoft.graph.group', id, displayName: `Group ${id.slice(0, 8)}` }));
  if (getMemberObjects) {
    if (req.method !== 'POST') return graphError(res, 405, 'Request_BadRequest', 'getMemberObjects is a POST.');
    return json(res, 200, { '@odata.context': `${graphBase}/$metadata#Collection(Edm.String)`, value: groups.map((g) => g.id) });
  }
  if (req.method !== 'GET') return graphError(res, 405, 'Request_BadRequest', 'Use GET.');

  // Without the cast segment Graph also returns directory roles; with it, only groups.
  const objects = memberOf[2]
    ? groups
    : [...groups, { '@odata.type': '#microsoft.graph.directoryRole', id: '0f971eea-41eb-4569-a71e-57bb8a3eff1e', displayName: 'Directory Readers' }];
  const top = Math.max(1, Math.min(Number(url.searchParams.get('$top')) || graphPageSize, graphPageSize));
  const skip = Number(url.searchParams.get('$skiptoken') ?? 0) || 0;
  const slice = objects.slice(skip, skip + top);
  const body = { '@odata.context': `${graphBase}/$metadata#directoryObjects`, value: slice };
  if (skip + top < objects.length) {
    const next = new URL(url.href);
    next.searchParams.set('$skiptoken', String(skip + top));
    body['@odata.nextLink'] = next.href;
  }
  process.stdout.write(`graph ${req.method} ${url.pathname}${url.search} -> ${slice.length} objects\n`);
  return json(res, 200, body);
}

// ---------------------------------------------------------------------------------------------------------------
// The sign-in page (no passwords: the test provider trusts whoever types a known user name).
async function handleLogin(provider, req, res, uid) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (error) {
    return page(res, 400, 'Sign in', `<h1>Sign-in session expired</h1><p class="error">${escapeHtml(error.message)}</p>`);
  }
  if (details.uid !== uid) return page(res, 400, 'Sign in', '<h1>Sign-in session mismatch</h1>');

  let error = '';
  let login = details.params.login_hint ?? '';
  if (req.method === 'POST') {
    const form = await readForm(req);
    login = form.get('login') ?? '';
    const user = usersByLogin.get(login.trim().toLowerCase());
    if (user) {
      process.stdout.write(`login ${user.login} for client ${details.params.client_id}\n`);
      return provider.interactionFinished(req, res, { login: { accountId: user.oid } }, { mergeWithLastSubmission: false });
    }
    error = "This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.";
  }
  const client = clientsById.get(details.params.client_id);
  return page(res, error ? 400 : 200, 'Sign in to your account', `
<h1>Sign in</h1>
<p>to ${escapeHtml(client?.display_name ?? details.params.client_id)} (tenant ${escapeHtml(tenant)})</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" autocomplete="off">
  <label for="login">Email</label>
  <input id="login" name="login" type="email" value="${escapeHtml(login)}" placeholder="someone@example.com" autofocus required>
  <button id="signin-next" type="submit">Sign in</button>
</form>
<small>Local test provider: no password is asked.</small>`);
}

// ---------------------------------------------------------------------------------------------------------------
function startProvider(port) {
  const origin = `http://127.0.0.1:${port}`;
  const mountPath = `/${tenant}/v2.0`;
  const issuer = `${origin}${mountPath}`;
  const graphBase = `${origin}/graph/v1.0`;
  const graphResources = new Set([...GRAPH_AUDIENCES, origin, `${origin}/graph`, graphBase]);

  const accountClaims = (user) => {
    const claims = {
      sub: user.oid,
      oid: user.oid,
      tid: tenant,
      ver: '2.0',
      name: user.name,
      preferred_username: user.login,
    };
    if (user.roles?.length) claims.roles = user.roles;
    if (user.overage) {
      // What Entra sends when a user is in more groups than fit a token (over 200 in a JWT).
      claims._claim_names = { groups: 'src1' };
      claims._claim_sources = { src1: { endpoint: `${graphBase}/users/${user.oid}/getMemberObjects` } };
    } else if (user.groups?.length) {
      claims.groups = user.groups;
    }
    return claims;
  };

  const appClaims = (client) => ({
    azp: client.client_id,
    azpacr: '1',
    appid: client.client_id,
    appidacr: '1',
    oid: client.object_id,
    tid: tenant,
    idtyp: 'app',
    ver: '2.0',
  });

  const provider = new Provider(issuer, {
    clients: config.clients.map((c) => (c.kind === 'web'
      ? {
        client_id: c.client_id,
        client_secret: c.client_secret,
        client_name: c.display_name,
        application_type: 'web',
        redirect_uris: c.redirect_uris,
        post_logout_redirect_uris: c.post_logout_redirect_uris,
        response_types: ['id_token', 'code', 'code id_token'],
        grant_types: ['implicit', 'authorization_code', 'refresh_token', 'client_credentials'],
        token_endpoint_auth_method: 'client_secret_post',
        subject_type: 'pairwise',
      }
      : {
        client_id: c.client_id,
        client_secret: c.client_secret,
        client_name: c.display_name,
        redirect_uris: [],
        response_types: [],
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_post',
      })),
    jwks: { keys: [signingJwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: {
      openid: ['sub', 'oid', 'tid', 'ver', 'name', 'preferred_username', 'roles', 'groups'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
    },
    conformIdTokenClaims: false,
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: async (_ctx, accountId, client) => pairwiseSub(accountId, client.clientId),
    responseTypes: ['code', 'id_token', 'code id_token', 'id_token token'],
    clientAuthMethods: ['client_secret_post', 'client_secret_basic'],
    pkce: { required: () => false },
    findAccount: async (_ctx, id) => {
      const user = usersByOid.get(String(id).toLowerCase());
      if (!user) return undefined;
      return { accountId: user.oid, claims: async () => accountClaims(user) };
    },
    interactions: { url: (_ctx, interaction) => `${mountPath}/login/${interaction.uid}` },
    // Entra asks no consent for the app's own sign-in scopes once an admin consented: grant them silently.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile email offline_access');
      await grant.save();
      return grant;
    },
    extraTokenClaims: async (_ctx, token) => {
      if (token.kind !== 'ClientCredentials') return undefined;
      const client = clientsById.get(token.clientId);
      if (!client) return undefined;
      const graph = token.resourceServer?.audience === 'https://graph.microsoft.com';
      const roles = graph ? client.graph_roles : client.roles;
      return { ...appClaims(client), ...(roles?.length ? { roles } : {}) };
    },
    formats: {
      customizers: {
        jwt: async (_ctx, token, jwt) => {
          // Entra's app tokens: `sub` is the service principal's object id, header typ JWT, no OAuth `scope`/`client_id`.
          const client = clientsById.get(token.clientId);
          if (token.kind === 'ClientCredentials' && client) {
            jwt.payload.sub = client.object_id;
            delete jwt.payload.scope;
            delete jwt.payload.client_id;
          }
          jwt.header = { typ: 'JWT' };
        },
      },
    },
    features: {
      devInteractions: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: false },
      registration: { enabled: false },
      requestObjects: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // Entra signs out without asking when the app names the session with id_token_hint; without it, it asks
        // which account to sign out, and a test that forgot the hint stops here.
        logoutSource: async (ctx, form) => {
          const hinted = Boolean(ctx.oidc.params.id_token_hint);
          process.stdout.write(`end_session id_token_hint=${hinted ? 'present' : 'absent'}\n`);
          ctx.type = 'html';
          ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign out</title></head><body>
<main><h1>${hinted ? 'Signing you out…' : 'Pick an account to sign out'}</h1>${form}
<button id="signout-yes" type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button></main>
${hinted ? '<script>document.getElementById("signout-yes").click()</script>' : ''}</body></html>`;
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head><body><h1>You signed out of your account</h1></body></html>';
        },
      },
      resourceIndicators: {
        enabled: true,
        // Entra's v2.0 way: scope "<resource>/.default" names the resource (no RFC 8707 `resource` parameter).
        defaultResource: async (ctx, _client, oneOf) => {
          if (oneOf) return oneOf;
          const dotDefault = String(ctx.oidc.params.scope ?? '').split(' ').find((s) => s.endsWith('/.default'));
          if (!dotDefault) return undefined;
          const resource = dotDefault.slice(0, -'/.default'.length);
          return /^[0-9a-f-]{36}$/i.test(resource) ? `api://${resource}` : resource;
        },
        useGrantedResource: async () => false,
        getResourceServerInfo: async (_ctx, resource, client) => {
          const scope = `${resource}/.default`;
          const base = { scope, accessTokenFormat: 'jwt', accessTokenTTL: 3600, jwt: { sign: { alg: 'RS256' } } };
          if (graphResources.has(resource)) return { ...base, audience: 'https://graph.microsoft.com' };
          const api = /^api:\/\/([0-9a-f-]{36})$/i.exec(resource);
          const target = api && webClient && api[1] === webClient.client_id ? webClient : undefined;
          const caller = clientsById.get(client.clientId);
          if (!target || !caller) throw new Provider.errors.InvalidTarget(`AADSTS500011: The resource principal named ${resource} was not found in the tenant.`);
          // v2.0 access tokens carry the app's client id as audience.
          return { ...base, audience: caller.audience ?? target.client_id };
        },
      },
    },
    discovery: {
      cloud_instance_name: 'microsoftonline.com',
      msgraph_host: new URL(graphBase).host,
      rbac_url: 'https://pas.windows.net',
      frontchannel_logout_supported: true,
      http_logout_supported: true,
    },
    ttl: {
      IdToken: 3600,
      AccessToken: 3600,
      ClientCredentials: 3600,
      Session: 8 * 3600,
      Interaction: 600,
      Grant: 8 * 3600,
    },
    renderError: async (ctx, out) => {
      process.stderr.write(`error page: ${JSON.stringify(out)}\n`);
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><h1>Sorry, but we're having trouble signing you in.</h1>
<pre id="error">${escapeHtml(out.error)}: ${escapeHtml(out.error_description ?? '')}</pre></body></html>`;
    },
  });

  // A test provider on loopback: http redirect URIs on 127.0.0.1 are allowed (Entra allows http://localhost),
  // and the app's port is not known when the provider starts, so loopback redirect URIs match on any port.
  const { Schema } = provider.Client;
  const invalidate = Schema.prototype.invalidate;
  Schema.prototype.invalidate = function allowLoopbackHttp(message, code) {
    if (code === 'implicit-force-https' || code === 'implicit-forbid-localhost') return;
    invalidate.call(this, message, code);
  };
  const withoutLoopbackPort = (value) => {
    const url = URL.parse(value);
    if (!url || url.protocol !== 'http:' || url.hostname !== '127.0.0.1') return undefined;
    url.port = '';
    return url.href;
  };
  const loopbackAllowed = (value, allowed) => allowed.includes(value)
    || (withoutLoopbackPort(value) !== undefined && allowed.some((a) => withoutLoopbackPort(a) === withoutLoopbackPort(value)));
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
    return loopbackAllowed(value, this.redirectUris ?? []);
  };
  provider.Client.prototype.postLogoutRedirectUriAllowed = function postLogoutRedirectUriAllowed(value) {
    return loopbackAllowed(value, this.postLogoutRedirectUris ?? []);
  };

  for (const event of ['server_error', 'authorization.error', 'grant.error', 'end_session.error', 'userinfo.error']) {
    provider.on(event, (_ctx, error) => process.stderr.write(`${event}: ${error?.message} ${error?.error_description ?? ''}\n`));
  }
  provider.on('grant.success', (ctx) => process.stdout.write(`token ${ctx.oidc.params.grant_type} for ${ctx.oidc.client?.clientId}\n`));

  const callback = provider.callback();
  return {
    issuer,
    graphBase,
    handle: async (req, res) => {
      const url = new URL(req.url, origin);
      if (url.pathname.startsWith('/graph/')) return handleGraph(req, res, url, graphBase);
      if (url.pathname.startsWith(`${mountPath}/login/`)) {
        return handleLogin(provider, req, res, decodeURIComponent(url.pathname.slice(`${mountPath}/login/`.length)));
      }
      if (url.pathname === mountPath || url.pathname.startsWith(`${mountPath}/`)) {
        // Mounted under the tenant path, as Entra's v2.0 endpoint is: the provider sees the rest of the URL.
        req.originalUrl = req.url;
        req.url = req.url.slice(mountPath.length) || '/';
        return callback(req, res);
      }
      return json(res, 404, { error: 'not_found', error_description: `Nothing at ${url.pathname}; the issuer is ${issuer}.` });
    },
  };
}

let app;
const server = http.createServer((req, res) => {
  Promise.resolve(app.handle(req, res)).catch((error) => {
    process.stderr.write(`unhandled: ${error.stack}\n`);
    if (!res.headersSent) json(res, 500, { error: 'server_error' });
  });
});
server.listen(requestedPort, '127.0.0.1', () => {
  const { port } = server.address();
  app = startProvider(port);
  process.stdout.write(`oidc-provider ready issuer=${app.issuer} graph=${app.graphBase} port=${port}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The test fixture owns this process: when its stdin closes (the test host ended, even by a crash), stop.
if (process.env.OIDC_EXIT_ON_STDIN_CLOSE === '1') {
  process.stdin.on('end', stop);
  process.stdin.resume();
}

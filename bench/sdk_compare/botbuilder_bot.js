// A minimal botbuilder 4.23 bot (CloudAdapter) that answers a Teams message the way Hallpass
// answers "help": it finds the person's e-mail through the Connector (TeamsInfo.getMember, once
// per person, cached, as Hallpass does for someone not known by Teams id), then replies in the
// conversation through the Connector (context.sendActivity). Against the fake Bot Framework
// identity and Connector the bench driver starts:
//   PORT=… APP_ID=… APP_SECRET=… TENANT_ID=… OPENID_METADATA_URL=http://127.0.0.1:…/v1/.well-known/openidconfiguration
//   TOKEN_URL=http://127.0.0.1:…/<tenant>/oauth2/v2.0/token node botbuilder_bot.js
// Inbound tokens are checked by botbuilder itself against the fake's OpenID metadata and keys.
// The only thing replaced is where the bot's own token comes from (MSAL insists on an https
// authority with Microsoft's discovery documents): a client-credentials POST to the fake's token
// endpoint, cached until it expires — what MSAL would do.
const http = require('http');
const { CloudAdapter, ConfigurationBotFrameworkAuthentication, TeamsInfo } = require('botbuilder');
const { MicrosoftAppCredentials, PasswordServiceClientCredentialFactory } = require('botframework-connector');

const env = process.env;

class FakeIdentityCredentials extends MicrosoftAppCredentials {
  async getToken(forceRefresh = false) {
    if (!forceRefresh && this.cached && this.cached.expires > Date.now()) return this.cached.token;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: env.APP_ID,
      client_secret: env.APP_SECRET,
      scope: 'https://api.botframework.com/.default',
    });
    const res = await fetch(env.TOKEN_URL, { method: 'POST', body: form });
    if (!res.ok) throw new Error('token endpoint answered ' + res.status);
    const body = await res.json();
    this.cached = { token: body.access_token, expires: Date.now() + (body.expires_in - 300) * 1000 };
    return this.cached.token;
  }
}

class FakeIdentityFactory extends PasswordServiceClientCredentialFactory {
  async createCredentials(appId, audience) {
    return new FakeIdentityCredentials(appId, env.APP_SECRET, env.TENANT_ID, audience);
  }
}

const auth = new ConfigurationBotFrameworkAuthentication(
  {
    MicrosoftAppId: env.APP_ID,
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: env.TENANT_ID,
    ToBotFromChannelOpenIdMetadataUrl: env.OPENID_METADATA_URL,
    ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
    ToChannelFromBotLoginUrl: env.TOKEN_URL,
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    ValidateAuthority: false,
  },
  new FakeIdentityFactory(env.APP_ID, env.APP_SECRET, env.TENANT_ID),
);
const adapter = new CloudAdapter(auth);
adapter.onTurnError = async (context, error) => {
  console.error('botbuilder: ' + (error && error.message));
};

const emails = new Map();  // Teams id → e-mail

async function logic(context) {
  if (context.activity.type !== 'message') return;
  const from = context.activity.from.id;
  if (!emails.has(from)) emails.set(from, (await TeamsInfo.getMember(context, from)).email);
  await context.sendActivity('Hallpass help: ask <question>, request, status');
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    try {
      req.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      req.body = undefined;
    }
    // The response methods CloudAdapter expects (restify/express style) over node's own.
    const out = {
      socket: res.socket,
      header: (name, value) => res.setHeader(name, value),
      status: (code) => { res.statusCode = code; },
      send: (body) => res.write(typeof body === 'string' ? body : JSON.stringify(body)),
      end: () => res.end(),
    };
    adapter.process(req, out, logic).catch((e) => {
      console.error('botbuilder: ' + e.message);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
});
server.listen(Number(env.PORT), '127.0.0.1', () => console.log('botbuilder: listening on ' + env.PORT));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

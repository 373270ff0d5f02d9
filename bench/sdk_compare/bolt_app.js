// A minimal Bolt 5.1 app that answers /socialmedia the way Hallpass answers "help": it acknowledges
// the slash command, then posts an ephemeral answer to the person in the channel
// (chat.postEphemeral). Socket Mode against the fake Slack the bench driver starts:
//   SLACK_API_URL=http://127.0.0.1:<port>/api SLACK_BOT_TOKEN=xoxb-… SLACK_APP_TOKEN=xapp-… node bolt_app.js
// Bolt's defaults otherwise (one Socket Mode connection, its WebClient's retries and 429 handling).
const { App, LogLevel } = require('@slack/bolt');

const slackApiUrl = process.env.SLACK_API_URL.replace(/\/?$/, '/');
const clientOptions = { slackApiUrl };
const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  appToken: process.env.SLACK_APP_TOKEN,
  socketMode: true,
  logLevel: LogLevel.ERROR,
  clientOptions,
  // apps.connections.open goes through the Socket Mode client's own WebClient.
  installerOptions: { clientOptions },
});

app.command('/socialmedia', async ({ command, ack, client }) => {
  await ack();
  await client.chat.postEphemeral({
    channel: command.channel_id,
    user: command.user_id,
    text: 'Hallpass help: /socialmedia ask <question>, /socialmedia request, /socialmedia status',
  });
});

app.error(async (error) => {
  console.error('bolt: ' + (error && error.message));
});

(async () => {
  await app.start();
  console.log('bolt: started');
})();

process.on('SIGTERM', async () => {
  // What a Bolt app does on SIGTERM unless it writes more: stop the receiver and exit.
  try {
    await app.stop();
  } finally {
    process.exit(0);
  }
});

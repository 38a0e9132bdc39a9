package bot

import "github.com/slack-go/slack"

// slackRetries is how many times a Web API call answered HTTP 429 is
// retried, each after the Retry-After Slack gives.
const slackRetries = 3

// NewSlackClient is the Slack Web API client oktabot runs on: the bot
// token for the Web API, the app-level token for Socket Mode, apiURL ("":
// Slack's) and slack-go's retry of rate-limited calls after Retry-After.
func NewSlackClient(botToken, appToken, apiURL string) *slack.Client {
	opts := []slack.Option{slack.OptionRetry(slackRetries)}
	if appToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(appToken))
	}
	if apiURL != "" {
		opts = append(opts, slack.OptionAPIURL(apiURL))
	}
	return slack.New(botToken, opts...)
}

package slacksandbox

import "github.com/slack-go/slack"

// SlackClient returns a slack-go client that talks to the sandbox with the
// given token.
func SlackClient(s *Server, token string, opts ...slack.Option) *slack.Client {
	return slack.New(token, append([]slack.Option{slack.OptionAPIURL(s.APIURL())}, opts...)...)
}

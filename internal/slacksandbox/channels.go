package slacksandbox

import "strings"

// The bot is in every channel unless a test removes it: Slack answers
// chat.postMessage to a channel the bot was not invited to with
// not_in_channel (docs.slack.dev/reference/methods/chat.postMessage), and
// conversations.info tells membership in the channel's is_member
// (docs.slack.dev/reference/methods/conversations.info,
// docs.slack.dev/reference/objects/conversation-object). Direct messages
// need no invitation.

// RemoveBotFrom takes the bot out of channel, as if it had never been
// invited.
func (s *Server) RemoveBotFrom(channel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outside[channel] = true
}

// InviteBot adds the bot to channel, as "/invite @billbot" does.
func (s *Server) InviteBot(channel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.outside, channel)
}

// isDM reports whether channel is a direct message (ids start with D).
func isDM(channel string) bool { return strings.HasPrefix(channel, "D") }

// botIn reports whether the bot may post to channel; s.mu is held.
func (s *Server) botIn(channel string) bool { return isDM(channel) || !s.outside[channel] }

// conversationsInfo: docs.slack.dev/reference/methods/conversations.info;
// the conversation object carries is_member for the calling bot.
func (s *Server) conversationsInfo(p params, c *Call) (map[string]any, string) {
	c.Channel = p.str("channel")
	if c.Channel == "" {
		return nil, "channel_not_found"
	}
	dm := isDM(c.Channel)
	ch := map[string]any{
		"id": c.Channel, "is_channel": !dm, "is_im": dm, "is_private": strings.HasPrefix(c.Channel, "G"),
		"is_archived": false,
	}
	if !dm {
		ch["name"] = strings.ToLower(c.Channel)
		ch["is_member"] = s.botIn(c.Channel)
	}
	return map[string]any{"channel": ch}, ""
}

package slacksandbox

import "strings"

// User is a workspace member users.info can describe.
type User struct {
	ID       string
	Name     string
	RealName string
	Email    string
	TZ       string
	IsBot    bool
	Deleted  bool // deactivated: users.lookupByEmail no longer finds them
}

// AddUser registers (or replaces) a workspace member.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// DMChannel is the id of the direct-message channel conversations.open
// gives for userID: stable, so tests can look up what was sent there.
func DMChannel(userID string) string {
	return "D" + strings.TrimPrefix(userID, "U")
}

// authTest: docs.slack.dev/reference/methods/auth.test. enterprise_id is
// there only when the workspace is part of an Enterprise Grid organisation.
func (s *Server) authTest(params, *Call) (map[string]any, string) {
	out := map[string]any{
		"url": "https://sandbox.slack.com/", "team": "Sandbox", "user": "billbot",
		"team_id": TeamID, "user_id": BotUserID, "bot_id": BotID,
	}
	if s.opts.EnterpriseID != "" {
		out["enterprise_id"] = s.opts.EnterpriseID
	}
	return out, ""
}

// botsInfo: docs.slack.dev/reference/methods/bots.info. Only billbot's own
// bot is known; any other id is bot_not_found. app_id is what tells an app
// its own id ("Use the app_id field to identify whether a bot belongs to
// your Slack app").
func (s *Server) botsInfo(p params, c *Call) (map[string]any, string) {
	c.User = p.str("bot")
	if c.User != BotID {
		return nil, "bot_not_found"
	}
	return map[string]any{"bot": map[string]any{
		"id": BotID, "deleted": false, "name": "billbot", "updated": 1700000000,
		"app_id": AppID, "user_id": BotUserID,
		"icons": map[string]any{"image_36": "https://sandbox.slack.com/36.png", "image_48": "https://sandbox.slack.com/48.png", "image_72": "https://sandbox.slack.com/72.png"},
	}}, ""
}

// usersInfo: docs.slack.dev/reference/methods/users.info (user_not_found).
func (s *Server) usersInfo(p params, c *Call) (map[string]any, string) {
	c.User = p.str("user")
	u, ok := s.users[c.User]
	if !ok {
		return nil, "user_not_found"
	}
	return map[string]any{"user": userObject(u)}, ""
}

// usersLookupByEmail finds a member by email address:
// docs.slack.dev/reference/methods/users.lookupByEmail. A deactivated member,
// like an unknown address, gets users_not_found; the address is matched
// without regard to case.
func (s *Server) usersLookupByEmail(p params, c *Call) (map[string]any, string) {
	email := strings.TrimSpace(p.str("email"))
	if email == "" {
		return nil, "invalid_arguments"
	}
	for _, u := range s.users {
		if !u.Deleted && u.Email != "" && strings.EqualFold(u.Email, email) {
			c.User = u.ID
			return map[string]any{"user": userObject(u)}, ""
		}
	}
	return nil, "users_not_found"
}

// userObject is a user as users.info and users.lookupByEmail return it.
func userObject(u User) map[string]any {
	return map[string]any{
		"id": u.ID, "team_id": TeamID, "name": u.Name, "real_name": u.RealName,
		"tz": u.TZ, "is_bot": u.IsBot, "deleted": u.Deleted,
		"profile": map[string]any{"real_name": u.RealName, "display_name": u.Name, "email": u.Email},
	}
}

// conversationsOpen opens (or returns) the DM with one user:
// docs.slack.dev/reference/methods/conversations.open. Without return_im
// Slack answers only the channel id.
func (s *Server) conversationsOpen(p params, c *Call) (map[string]any, string) {
	users := p.str("users")
	if users == "" {
		return nil, "users_list_not_supplied"
	}
	c.User = users
	c.Channel = DMChannel(users)
	if strings.Contains(users, ",") { // a group DM
		c.Channel = "G" + strings.ReplaceAll(users, ",", "")
	}
	return map[string]any{"channel": map[string]any{"id": c.Channel}}, ""
}

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

// authTest: docs.slack.dev/reference/methods/auth.test.
func (s *Server) authTest(params, *Call) (map[string]any, string) {
	return map[string]any{
		"url": "https://sandbox.slack.com/", "team": "Sandbox", "user": "billbot",
		"team_id": TeamID, "user_id": BotUserID, "bot_id": BotID,
	}, ""
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

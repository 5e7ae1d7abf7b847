package bot

import (
	"bytes"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"go.yaml.in/yaml/v3"
)

// TestManifest keeps manifest.yml in step with what billbot serves: the
// slash commands of the operator contract, the events it handles, the
// scopes it needs (docs/vendors.md §1.7) and Socket Mode.
func TestManifest(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true) // a misspelt key would be silently ignored by Slack's importer too
	var m slack.Manifest
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("manifest.yml: %v", err)
	}

	var commands []string
	for _, c := range m.Features.SlashCommands {
		commands = append(commands, c.Command)
		if c.Description == "" || c.UsageHint == "" {
			t.Errorf("%s lacks a description or usage hint", c.Command)
		}
		if c.Url != "https://billbot.example.com/slack/commands" {
			t.Errorf("%s url = %q", c.Command, c.Url)
		}
	}
	if diff := cmp.Diff([]string{"/billing", "/ar"}, commands); diff != "" {
		t.Errorf("slash commands (-want +got):\n%s", diff)
	}

	if m.Display.Name != "billbot" || m.Display.Description == "" {
		t.Errorf("display information = %+v", m.Display)
	}
	if m.Features.BotUser.DisplayName == "" {
		t.Error("no bot user")
	}
	if !m.Features.AppHome.HomeTabEnabled || !m.Features.AppHome.MessagesTabEnabled {
		t.Errorf("app home = %+v, want home and messages tabs", m.Features.AppHome)
	}
	for _, scope := range []string{"commands", "chat:write", "im:write", "users:read", "users:read.email", "files:write"} {
		if !slices.Contains(m.OAuthConfig.Scopes.Bot, scope) {
			t.Errorf("bot scope %s missing", scope)
		}
	}

	s := m.Settings
	if s.EventSubscriptions == nil || !slices.Contains(s.EventSubscriptions.BotEvents, "app_home_opened") {
		t.Error("app_home_opened is not subscribed")
	} else if s.EventSubscriptions.RequestUrl != "https://billbot.example.com/slack/events" {
		t.Errorf("events request_url = %q", s.EventSubscriptions.RequestUrl)
	}
	if s.Interactivity == nil || !s.Interactivity.IsEnabled || s.Interactivity.RequestUrl != "https://billbot.example.com/slack/interactions" {
		t.Errorf("interactivity = %+v", s.Interactivity)
	}
	if !s.SocketModeEnabled || s.OrgDeployEnabled || s.TokenRotationEnabled {
		t.Errorf("settings: socket mode %v, org deploy %v, token rotation %v; want true, false, false",
			s.SocketModeEnabled, s.OrgDeployEnabled, s.TokenRotationEnabled)
	}
}

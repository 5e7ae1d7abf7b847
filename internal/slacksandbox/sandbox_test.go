package slacksandbox

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func setup(t *testing.T, opts Options) (*Server, *slack.Client, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	if opts.Now == nil {
		opts.Now = c.Now
	}
	s := New(opts)
	t.Cleanup(s.Close)
	return s, SlackClient(s, DefaultToken), c
}

func slackError(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestAuth(t *testing.T) {
	t.Parallel()
	s, api, _ := setup(t, Options{})
	ctx := context.Background()
	who, err := api.AuthTestContext(ctx)
	if err != nil || who.UserID != BotUserID || who.TeamID != TeamID {
		t.Fatalf("auth.test = %+v, %v", who, err)
	}
	if _, err := SlackClient(s, "xoxb-wrong").AuthTestContext(ctx); slackError(err) != "invalid_auth" {
		t.Errorf("wrong token: %v, want invalid_auth", err)
	}
	resp, err := http.PostForm(s.APIURL()+"chat.postMessage", url.Values{"channel": {"C1"}, "text": {"hi"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"error":"not_authed"`) {
		t.Errorf("no token: %s, want not_authed", body)
	}
}

// TestBotsInfoAndGrid: bots.info tells billbot its app id, as Slack's
// does (docs.slack.dev/reference/methods/bots.info); auth.test names the
// Enterprise Grid organisation only when there is one.
func TestBotsInfoAndGrid(t *testing.T) {
	t.Parallel()
	_, api, _ := setup(t, Options{})
	ctx := context.Background()
	bot, err := api.GetBotInfoContext(ctx, slack.GetBotInfoParameters{Bot: BotID})
	if err != nil || bot.AppID != AppID || bot.UserID != BotUserID || bot.ID != BotID {
		t.Errorf("bots.info = %+v, %v", bot, err)
	}
	if _, err := api.GetBotInfoContext(ctx, slack.GetBotInfoParameters{Bot: "B0OTHER"}); slackError(err) != "bot_not_found" {
		t.Errorf("bots.info of another bot: %v, want bot_not_found", err)
	}
	if who, err := api.AuthTestContext(ctx); err != nil || who.EnterpriseID != "" {
		t.Errorf("auth.test outside Grid: %+v, %v", who, err)
	}
	_, grid, _ := setup(t, Options{EnterpriseID: "E0GRID"})
	if who, err := grid.AuthTestContext(ctx); err != nil || who.EnterpriseID != "E0GRID" || who.TeamID != TeamID {
		t.Errorf("auth.test in Grid: %+v, %v", who, err)
	}
}

func TestMessagesKeepLatestVersion(t *testing.T) {
	t.Parallel()
	s, api, _ := setup(t, Options{})
	ctx := context.Background()
	blocks := slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*INV-1*", false, false), nil, nil))
	ch, ts, err := api.PostMessageContext(ctx, "C0BILLING", slack.MsgOptionText("Draft INV-1", false), blocks)
	if err != nil || ch != "C0BILLING" || ts == "" {
		t.Fatalf("postMessage = %s %s %v", ch, ts, err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C0BILLING", slack.MsgOptionText("Draft INV-2", false)); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C0BILLING", ts, slack.MsgOptionText("Approved INV-1", false)); err != nil {
		t.Fatal(err)
	}
	m, ok := s.Message("C0BILLING", ts)
	if !ok || m.Text != "Approved INV-1" || m.Versions != 2 || m.Blocks != nil {
		t.Errorf("Message = %+v", m)
	}
	var texts []string
	for _, m := range s.Messages("C0BILLING") {
		texts = append(texts, m.Text)
	}
	if diff := cmp.Diff([]string{"Approved INV-1", "Draft INV-2"}, texts); diff != "" {
		t.Errorf("Messages (-want +got):\n%s", diff)
	}
	calls := s.Calls()
	if len(calls) != 3 || calls[0].Method != "chat.postMessage" || !strings.Contains(string(calls[0].Blocks), "*INV-1*") {
		t.Errorf("calls = %+v", calls)
	}

	if _, _, _, err := api.UpdateMessageContext(ctx, "C0BILLING", "1.000001", slack.MsgOptionText("x", false)); slackError(err) != "message_not_found" {
		t.Errorf("update of unknown ts: %v", err)
	}
	ets, err := api.PostEphemeralContext(ctx, "C0BILLING", "U0PARTNER1", slack.MsgOptionText("only you", false))
	if err != nil || ets == "" {
		t.Fatalf("postEphemeral = %q %v", ets, err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C0BILLING", ets, slack.MsgOptionText("x", false)); slackError(err) != "cant_update_message" {
		t.Errorf("update of ephemeral: %v", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C0BILLING"); slackError(err) != "no_text" {
		t.Errorf("empty post: %v", err)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	s, api, c := setup(t, Options{})
	s.SetRateLimit("chat.postMessage", 2, time.Minute)
	ctx := context.Background()
	post := func() error {
		_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
		return err
	}
	for range 2 {
		if err := post(); err != nil {
			t.Fatal(err)
		}
	}
	c.Advance(15 * time.Second)
	var rl *slack.RateLimitedError
	if err := post(); !errors.As(err, &rl) || rl.RetryAfter != 45*time.Second {
		t.Fatalf("3rd post = %v, want 429 with Retry-After 45", err)
	}
	c.Advance(45 * time.Second)
	if err := post(); err != nil {
		t.Errorf("post after the window: %v", err)
	}
	if _, err := api.AuthTestContext(ctx); err != nil {
		t.Errorf("other methods are not limited: %v", err)
	}
}

func TestTriggers(t *testing.T) {
	t.Parallel()
	s, api, c := setup(t, Options{})
	ctx := context.Background()
	modal := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: "edit", Title: slack.NewTextBlockObject(slack.PlainTextType, "Edit", false, false)}

	trigger := s.NewTriggerID()
	v, err := api.OpenViewContext(ctx, trigger, modal)
	if err != nil || v.ID == "" || v.Hash == "" || v.CallbackID != "edit" {
		t.Fatalf("views.open = %+v %v", v, err)
	}
	if _, err := api.OpenViewContext(ctx, trigger, modal); slackError(err) != "exchanged_trigger_id" {
		t.Errorf("reused trigger: %v", err)
	}
	late := s.NewTriggerID()
	c.Advance(TriggerLifetime + time.Second)
	if _, err := api.OpenViewContext(ctx, late, modal); slackError(err) != "expired_trigger_id" {
		t.Errorf("old trigger: %v", err)
	}
	if _, err := api.OpenViewContext(ctx, "1.2.made-up", modal); slackError(err) != "invalid_trigger_id" {
		t.Errorf("unknown trigger: %v", err)
	}

	if _, err := api.UpdateViewContext(ctx, modal, "", "stale-hash", v.ID); slackError(err) != "hash_conflict" {
		t.Errorf("update with a stale hash: %v", err)
	}
	modal.Title = slack.NewTextBlockObject(slack.PlainTextType, "Saved", false, false)
	if _, err := api.UpdateViewContext(ctx, modal, "", v.Hash, v.ID); err != nil {
		t.Errorf("views.update: %v", err)
	}
	if got, _ := s.View(v.ID); !strings.Contains(string(got.JSON), `"Saved"`) {
		t.Errorf("view after update = %s", got.JSON)
	}
	if _, err := api.UpdateViewContext(ctx, modal, "", "", "V404"); slackError(err) != "not_found" {
		t.Errorf("update of unknown view: %v", err)
	}
	if _, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U1", View: slack.HomeTabViewRequest{Type: slack.VTHomeTab}}); err != nil {
		t.Errorf("views.publish: %v", err)
	}
	if _, ok := s.Home("U1"); !ok {
		t.Error("home tab not recorded")
	}
}

func TestUsersAndDMs(t *testing.T) {
	t.Parallel()
	s, api, _ := setup(t, Options{})
	ctx := context.Background()
	s.AddUser(User{ID: "U0PARTNER1", Name: "pat", RealName: "Pat Partner", Email: "pat@firm.example", TZ: "America/New_York"})
	u, err := api.GetUserInfoContext(ctx, "U0PARTNER1")
	if err != nil || u.Profile.Email != "pat@firm.example" || u.RealName != "Pat Partner" || u.TZ != "America/New_York" {
		t.Errorf("users.info = %+v %v", u, err)
	}
	if _, err := api.GetUserInfoContext(ctx, "U404"); slackError(err) != "user_not_found" {
		t.Errorf("unknown user: %v", err)
	}
	// users.lookupByEmail: any case of the address; a deactivated member or
	// an unknown address is users_not_found.
	if u, err := api.GetUserByEmailContext(ctx, "Pat@Firm.example"); err != nil || u.ID != "U0PARTNER1" {
		t.Errorf("users.lookupByEmail = %+v %v", u, err)
	}
	s.AddUser(User{ID: "U0GONE", Email: "gone@firm.example", Deleted: true})
	for _, email := range []string{"gone@firm.example", "nobody@firm.example"} {
		if _, err := api.GetUserByEmailContext(ctx, email); slackError(err) != "users_not_found" {
			t.Errorf("users.lookupByEmail(%s): %v, want users_not_found", email, err)
		}
	}
	ch, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U0PARTNER1"}})
	if err != nil || ch.ID != DMChannel("U0PARTNER1") {
		t.Errorf("conversations.open = %+v %v", ch, err)
	}
}

func TestResponseURL(t *testing.T) {
	t.Parallel()
	s, api, c := setup(t, Options{})
	_, ts, err := api.PostMessage("C0BILLING", slack.MsgOptionText("Draft", false))
	if err != nil {
		t.Fatal(err)
	}
	ru := s.NewResponseURLFor("C0BILLING", ts)
	post := func(u, body string) int {
		resp, err := http.Post(u, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(ru, `{"replace_original":true,"text":"Approved"}`); got != 200 {
		t.Fatalf("post = %d", got)
	}
	if m, _ := s.Message("C0BILLING", ts); m.Text != "Approved" || m.Versions != 2 {
		t.Errorf("replace_original did not edit the message: %+v", m)
	}
	for i := 2; i <= ResponseURLUses; i++ {
		if got := post(ru, `{"text":"more `+strconv.Itoa(i)+`"}`); got != 200 {
			t.Errorf("post %d = %d", i, got)
		}
	}
	if got := post(ru, `{"text":"sixth"}`); got != http.StatusNotFound {
		t.Errorf("6th post = %d, want 404", got)
	}
	posts := s.ResponsePosts(ru)
	if len(posts) != 6 || posts[5].Error != "used_url" || posts[4].Error != "" {
		t.Errorf("posts = %+v", posts)
	}
	if n := len(s.Messages("C0BILLING")); n != 1+ResponseURLUses-1 {
		t.Errorf("%d messages, want the edited draft plus 4 ephemeral replies", n)
	}

	old := s.NewResponseURL()
	c.Advance(ResponseURLLifetime + time.Minute)
	if got := post(old, `{"text":"late"}`); got != http.StatusNotFound || s.ResponsePosts(old)[0].Error != "expired_url" {
		t.Errorf("late post = %d %+v", got, s.ResponsePosts(old))
	}
}

func TestFaultsAreSeeded(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) []int {
		s, api, _ := setup(t, Options{FaultRate: 0.5, FaultSeed: seed})
		for range 20 {
			_, _ = api.AuthTestContext(context.Background())
		}
		var out []int
		for _, c := range s.Calls() {
			out = append(out, c.Status)
		}
		return out
	}
	a, b := run(7), run(7)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different faults (-a +b):\n%s", diff)
	}
	faults := 0
	for _, st := range a {
		if st != 200 {
			faults++
		}
	}
	if faults == 0 || faults == len(a) {
		t.Errorf("%d faults out of %d at rate 0.5", faults, len(a))
	}
}

func TestSignerBuildsWhatSlackSends(t *testing.T) {
	t.Parallel()
	now := time.Unix(1772442000, 0)
	sg := Signer{Secret: "s3cret", Now: func() time.Time { return now }}

	req := sg.SlashCommand("http://127.0.0.1/slack/commands", url.Values{"command": {"/billing"}, "text": {"run 2026-02-28"}, "user_id": {"U1"}})
	body, _ := io.ReadAll(req.Body)
	if req.Header.Get("X-Slack-Request-Timestamp") != "1772442000" ||
		req.Header.Get("X-Slack-Signature") != Signature("s3cret", 1772442000, body) {
		t.Errorf("headers = %v", req.Header)
	}
	req.Body = io.NopCloser(strings.NewReader(string(body)))
	sc, err := slack.SlashCommandParse(req)
	if err != nil || sc.Command != "/billing" || sc.Text != "run 2026-02-28" || sc.UserID != "U1" || sc.TeamID != TeamID || sc.APIAppID != AppID {
		t.Errorf("SlashCommandParse = %+v %v", sc, err)
	}

	ic, err := slack.InteractionCallbackParse(sg.BlockAction("http://127.0.0.1/slack/interactions", BlockAction{
		TeamID: "T1", UserID: "U1", ChannelID: "C1", MessageTS: "1.000100", ActionID: "approve_invoice", BlockID: "b", Value: "inv-9",
		ResponseURL: "http://127.0.0.1/response/R1", TriggerID: "t-1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	ba := ic.ActionCallback.BlockActions
	if ic.Type != slack.InteractionTypeBlockActions || len(ba) != 1 || ba[0].ActionID != "approve_invoice" || ba[0].Value != "inv-9" ||
		ic.Container.ChannelID != "C1" || ic.Container.MessageTs != "1.000100" || ic.ResponseURL == "" || ic.TriggerID != "t-1" {
		t.Errorf("block action = %+v", ic)
	}

	ic, err = slack.InteractionCallbackParse(sg.ViewSubmission("http://127.0.0.1/slack/interactions", ViewSubmission{
		TeamID: "T1", UserID: "U1", ViewID: "V1", CallbackID: "hold", PrivateMetadata: "inv-9",
		Values: map[string]map[string]Input{"until": {"d": {Type: "datepicker", Value: "2026-04-01"}}, "why": {"t": {Value: "dispute"}}},
	}))
	if err != nil {
		t.Fatal(err)
	}
	if ic.Type != slack.InteractionTypeViewSubmission || ic.View.CallbackID != "hold" || ic.View.PrivateMetadata != "inv-9" ||
		ic.View.State.Values["until"]["d"].SelectedDate != "2026-04-01" || ic.View.State.Values["why"]["t"].Value != "dispute" {
		t.Errorf("view submission = %+v", ic.View)
	}
}

func TestUsersLookupByEmail(t *testing.T) {
	t.Parallel()
	s, api, _ := setup(t, Options{})
	s.AddUser(User{ID: "U0ANN", Name: "ann", RealName: "Ann Lee", Email: "Ann@Firm.example"})
	u, err := api.GetUserByEmailContext(t.Context(), "ann@firm.example")
	if err != nil || u.ID != "U0ANN" || u.Profile.Email != "Ann@Firm.example" {
		t.Fatalf("lookup = %+v, %v", u, err)
	}
	if _, err := api.GetUserByEmailContext(t.Context(), "nobody@firm.example"); slackError(err) != "users_not_found" {
		t.Errorf("unknown address: %v", err)
	}
}

package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/internal/chat"
	"billbot/internal/slacksandbox"
	"billbot/store"
)

// useSocketMode makes serve reach Slack over Socket Mode: SLACK_APP_TOKEN
// is the sandbox's app-level token and there is no signing secret, so no
// HTTP request from Slack could be served.
func (w *e2eWorld) useSocketMode() {
	w.socket = true
	delete(w.env, "SLACK_SIGNING_SECRET")
	w.env["SLACK_APP_TOKEN"] = slacksandbox.DefaultAppToken
}

// slackRefreshesConnection is Slack recycling the Socket Mode connection
// (disconnect, reason refresh_requested: docs/vendors.md §1.9). serve must
// open a new one through apps.connections.open; what is sent meanwhile
// waits for it. Over HTTP there is no connection to refresh.
func (w *e2eWorld) slackRefreshesConnection() {
	w.t.Helper()
	if !w.socket {
		return
	}
	w.eventually("serve connected over Socket Mode", func() (bool, error) { return w.slack.SocketConnections() == 1, nil })
	if n := w.slack.SocketDisconnect(slacksandbox.DisconnectRefresh); n != 1 {
		w.t.Fatalf("disconnect reached %d connections, want 1", n)
	}
}

// TestE2EApprovalCycleOverEachTransport runs the approval cycle — a slash
// command, an Approve click on a draft, an Edit modal with a write-down, a
// Hold (modal) and its Release, Approve of the rest — against `billbot
// serve` once over signed HTTP requests and once over Socket Mode, with a
// connection refresh in the middle of the Socket Mode run. Both runs must
// leave the same trail: the same audit actions per invoice, one QBO send
// per invoice, the same Slack message versions.
func TestE2EApprovalCycleOverEachTransport(t *testing.T) {
	trails := map[string]map[string][]string{}
	for _, transport := range []string{"http", "socket"} {
		t.Run(transport, func(t *testing.T) {
			w := newE2EWorld(t)
			if transport == "socket" {
				w.useSocketMode()
			}
			serve := w.startServe()
			w.connectQBO()
			w.cli("jobs", "run", "sync")
			w.cli("jobs", "run", "draft")

			if reply := w.command(e2ePartner, "/billing", "status"); !strings.Contains(reply, "3") || strings.Contains(reply, "Sorry") {
				t.Errorf("/billing status = %q, want the three drafts counted", reply)
			}

			// The partner opens billbot's App Home: one views.publish.
			w.homeConnectLink(e2ePartner, "Ev0E2EHOME1")
			if n := w.viewsPublished(e2ePartner); n != 1 {
				t.Errorf("views.publish for the partner = %d, want 1", n)
			}

			alder := w.invoice(e2eApproveClient)
			w.click(e2ePartner, chat.ActionApprove, alder)
			alder = w.waitState(e2eApproveClient, store.StateSent)
			w.waitMessageVersion(alder, 2)

			t.Run("edit", func(t *testing.T) { e2eEdit(t, w) })
			// Slack recycles the connection; the next click is sent at
			// once and must arrive over the new one.
			w.slackRefreshesConnection()
			t.Run("hold and release", func(t *testing.T) { e2eHoldRelease(t, w) })
			for _, c := range []string{e2eEditClient, e2eHoldClient} {
				w.click(e2ePartner, chat.ActionApprove, w.invoice(c))
				w.waitState(c, store.StateSent)
			}

			if n := w.qboCalls(e2eSendEndpoint); n != len(e2eClients) {
				t.Errorf("QBO sends = %d, want one per invoice (%d)", n, len(e2eClients))
			}
			if transport == "socket" {
				opens := 0
				for _, c := range w.slack.Calls() {
					if c.Method == "apps.connections.open" {
						opens++
					}
				}
				if opens != 2 || w.slack.SocketOpens() != 2 {
					t.Errorf("apps.connections.open calls %d, connections %d; want 2 and 2 (one refresh)", opens, w.slack.SocketOpens())
				}
				if p := w.slack.AckProblems(); len(p) != 0 {
					t.Errorf("Socket Mode acknowledgements:\n%s", strings.Join(p, "\n"))
				}
				for _, e := range w.slack.Envelopes() {
					if a, ok := e.Acked(); ok && a.Late() {
						t.Logf("envelope %s (%s) acknowledged after %s", e.ID, e.Type, a.Delay)
					}
				}
			}
			// Stop serve so that any work it still had would show in the trail.
			serve.stop(t)
			trails[transport] = e2eTrail(t, w)
		})
	}
	if len(trails) == 2 {
		if diff := cmp.Diff(trails["http"], trails["socket"]); diff != "" {
			t.Errorf("the same cycle left different trails (-http +socket):\n%s", diff)
		}
	}
}

// e2eTrail is what the cycle left behind, per client: the invoice's state,
// its audit actions in order, its QBO sends so far and its Slack message's
// version count.
func e2eTrail(t *testing.T, w *e2eWorld) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, c := range e2eClients {
		inv := w.invoice(c)
		evs, err := w.store.AuditEvents(context.Background(), "invoice", strconv.FormatInt(inv.ID, 10))
		if err != nil {
			t.Fatal(err)
		}
		trail := []string{"state " + string(inv.State), fmt.Sprintf("message versions %d", w.message(inv).Versions)}
		for _, ev := range evs {
			trail = append(trail, ev.Action+" by "+ev.Actor)
		}
		out[c] = trail
	}
	out["qbo sends"] = []string{strconv.Itoa(w.qboCalls(e2eSendEndpoint))}
	return out
}

// viewsPublished counts the views.publish calls for user's App Home.
func (w *e2eWorld) viewsPublished(user string) int {
	n := 0
	for _, c := range w.slack.Calls() {
		if c.Method == "views.publish" && c.User == user {
			n++
		}
	}
	return n
}

package workflow_test

import (
	"strings"
	"testing"

	"billbot/internal/config"
	"billbot/internal/slacksandbox"
	"billbot/internal/workflow"
	"billbot/store"
	"billbot/store/storetest"
)

func TestAnnounceQBOConnection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		ctx := t.Context()
		sw := workflow.QBOConnected{RealmID: "222", CompanyName: "Other <Books>", PreviousRealm: "111", LinkCreatedBy: "U0OPS"}
		if err := e.wf.AnnounceQBOConnection(ctx, sw); err != nil {
			t.Fatal(err)
		}
		msgs := e.slack.Messages("C0BILLING")
		if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "switched from company id 111") || !strings.Contains(msgs[0].Text, "Other &lt;Books&gt;") ||
			!strings.Contains(msgs[0].Text, "222") || !strings.Contains(msgs[0].Text, "<@U0OPS>") {
			t.Fatalf("billing channel = %+v; want the switch with company, realm and who made the link", msgs)
		}

		// Without a billing channel the billing manager is told by DM.
		yaml := strings.Replace(firmYAML, "  billing_channel: C0BILLING\n", "", 1)
		parsed, err := config.ParseFirm("test firm", []byte(yaml))
		if err != nil {
			t.Fatal(err)
		}
		_, clients, engs := parsed.Billing()
		if err := e.store.SaveConfig(ctx, []byte(yaml), clients, engs, "test"); err != nil {
			t.Fatal(err)
		}
		if err := e.wf.AnnounceQBOConnection(ctx, workflow.QBOConnected{RealmID: "222", CompanyName: "Other", LinkCreatedBy: "cli:ops"}); err != nil {
			t.Fatal(err)
		}
		dms := e.slack.Messages(slacksandbox.DMChannel("U0BILLMGR"))
		if len(dms) != 1 || !strings.Contains(dms[0].Text, "now connected") || !strings.Contains(dms[0].Text, "`cli:ops`") {
			t.Errorf("billing manager DMs = %+v", dms)
		}
	})
}

package interactions_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"billbot/interactions"
	"billbot/internal/billing"
	"billbot/internal/chat"
	"billbot/internal/money"
	"billbot/internal/slackui"
	"billbot/internal/workflow"
	"billbot/store"
)

func click(actionID string, id int64, user string) chat.Action {
	return chat.Action{TeamID: "T1", UserID: user, ActionID: actionID, Value: strconv.FormatInt(id, 10), ChannelID: "C0BILLING", MessageTS: "1.1", TriggerID: "trig"}
}

func TestActionsRouted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		action   string
		user     string
		before   func(f *fixture, inv store.Invoice)
		wantText string // in the ephemeral reply; "" for none
		check    func(t *testing.T, f *fixture, inv store.Invoice)
	}{
		{name: "approve", action: chat.ActionApprove, user: partner, check: func(t *testing.T, f *fixture, inv store.Invoice) {
			if got := f.invoice(inv.ID); got.State != store.StateSent || f.qbo.sends != 1 || f.slack.updates == 0 {
				t.Errorf("state %s, sends %d, message updates %d", got.State, f.qbo.sends, f.slack.updates)
			}
		}},
		{name: "approve by a non-approver", action: chat.ActionApprove, user: staffer, wantText: "Only the engagement's partner (<@U0PARTNERA>) or a firm approver can approve",
			check: func(t *testing.T, f *fixture, inv store.Invoice) {
				if got := f.invoice(inv.ID); got.State != store.StatePending || f.qbo.sends != 0 {
					t.Errorf("state %s, sends %d", got.State, f.qbo.sends)
				}
			}},
		{name: "edit opens the modal", action: chat.ActionEdit, user: approver, check: func(t *testing.T, f *fixture, inv store.Invoice) {
			if len(f.views.opened) != 1 || f.views.opened[0].CallbackID != chat.CallbackEdit || f.views.opened[0].PrivateMetadata != strconv.FormatInt(inv.ID, 10) {
				t.Errorf("views opened: %+v", f.views.opened)
			}
		}},
		{name: "edit by a non-approver opens nothing", action: chat.ActionEdit, user: staffer, wantText: "can edit the Acme Corp invoice",
			check: func(t *testing.T, f *fixture, inv store.Invoice) {
				if len(f.views.opened) != 0 {
					t.Error("modal opened")
				}
			}},
		{name: "hold opens the modal", action: chat.ActionHold, user: partner, check: func(t *testing.T, f *fixture, inv store.Invoice) {
			if len(f.views.opened) != 1 || f.views.opened[0].CallbackID != chat.CallbackHold {
				t.Errorf("views opened: %+v", f.views.opened)
			}
			if got := f.invoice(inv.ID); got.State != store.StatePending {
				t.Errorf("clicking Hold held the invoice before a reason: %s", got.State)
			}
		}},
		{name: "release", action: chat.ActionRelease, user: partner,
			before: func(f *fixture, inv store.Invoice) {
				if _, err := f.wf.Hold(f.t.Context(), inv.ID, partner, "waiting"); err != nil {
					f.t.Fatal(err)
				}
			},
			check: func(t *testing.T, f *fixture, inv store.Invoice) {
				if got := f.invoice(inv.ID); got.State != store.StatePending {
					t.Errorf("state %s after release", got.State)
				}
			}},
		{name: "snooze", action: chat.ActionSnooze, user: manager, wantText: "Snoozed"},
		{name: "snooze by a stranger", action: chat.ActionSnooze, user: staffer, wantText: "can change the Acme Corp invoice"},
		{name: "dispute opens the modal", action: chat.ActionDispute, user: manager, check: func(t *testing.T, f *fixture, inv store.Invoice) {
			if len(f.views.opened) != 1 || f.views.opened[0].CallbackID != chat.CallbackDispute {
				t.Errorf("views opened: %+v", f.views.opened)
			}
		}},
		{name: "supplemental of a closed exception", action: chat.ActionSupplemental, user: partner, wantText: "no longer open"},
		{name: "open in QBO is a link", action: chat.ActionOpenInQBO, user: staffer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			inv := f.pending()
			if tt.before != nil {
				tt.before(f, inv)
			}
			reply, err := f.h.HandleAction(t.Context(), click(tt.action, inv.ID, tt.user))
			if err != nil {
				t.Fatalf("HandleAction: %v", err)
			}
			if tt.wantText == "" && reply.Text != "" || !strings.Contains(reply.Text, tt.wantText) {
				t.Errorf("reply %q, want %q", reply.Text, tt.wantText)
			}
			if tt.check != nil {
				tt.check(t, f, inv)
			}
		})
	}
}

func TestBadActions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, a := range []chat.Action{
		{UserID: partner, ActionID: "delete_everything", Value: "1"},
		{UserID: partner, ActionID: chat.ActionApprove, Value: "abc"},
		{UserID: partner, ActionID: chat.ActionApprove, Value: "-4"},
		{UserID: partner, ActionID: chat.ActionApprove, Value: ""},
	} {
		if _, err := f.h.HandleAction(t.Context(), a); err == nil {
			t.Errorf("%s %q: no error", a.ActionID, a.Value)
		}
	}
	if r, err := f.h.HandleAction(t.Context(), chat.Action{UserID: partner, ActionID: chat.ActionApprove, Value: "999"}); err != nil || !strings.Contains(r.Text, "no longer exists") {
		t.Errorf("approve of a missing invoice: %q, %v", r.Text, err)
	}
	for _, v := range []chat.ViewSubmission{
		{UserID: partner, CallbackID: "unknown_modal", PrivateMetadata: "1"},
		{UserID: partner, CallbackID: chat.CallbackHold, PrivateMetadata: "x"},
	} {
		if _, _, err := f.h.HandleViewSubmission(t.Context(), v); err == nil {
			t.Errorf("%s %q: no error", v.CallbackID, v.PrivateMetadata)
		}
	}
}

func values(kv ...string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = map[string]string{slackui.InputAction: kv[i+1]}
	}
	return out
}

func TestSubmitHold(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inv := f.pending()
	id := strconv.FormatInt(inv.ID, 10)
	for _, c := range []struct {
		name, user, reason, wantErr string
	}{
		{"empty reason", partner, "", "Say why the invoice is held."},
		{"blank reason", partner, "   \n ", "Say why the invoice is held."},
		{"not an approver", staffer, "because", "can hold the Acme Corp invoice"},
	} {
		resp, work, err := f.h.HandleViewSubmission(t.Context(), chat.ViewSubmission{UserID: c.user, CallbackID: chat.CallbackHold, PrivateMetadata: id, Values: values(slackui.BlockHoldReason, c.reason)})
		if err != nil || work != nil || !strings.Contains(resp.Errors[slackui.BlockHoldReason], c.wantErr) {
			t.Errorf("%s: errors %v, work %v, err %v", c.name, resp.Errors, work != nil, err)
		}
	}
	if got := f.invoice(inv.ID); got.State != store.StatePending {
		t.Fatalf("refused holds changed the state to %s", got.State)
	}
	resp, work, err := f.h.HandleViewSubmission(t.Context(), chat.ViewSubmission{UserID: partner, CallbackID: chat.CallbackHold, PrivateMetadata: id, Values: values(slackui.BlockHoldReason, " Scope call Friday ")})
	if err != nil || len(resp.Errors) != 0 || work == nil {
		t.Fatalf("valid hold: %v %v %v", resp.Errors, work != nil, err)
	}
	if err := work(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := f.invoice(inv.ID); got.State != store.StateHeld || got.HoldReason != "Scope call Friday" {
		t.Errorf("held: %s %q", got.State, got.HoldReason)
	}
}

func TestSubmitEdit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inv := f.pending()
	id := strconv.FormatInt(inv.ID, 10)
	hours, rate, desc := slackui.EditBlockID(0, slackui.FieldHours), slackui.EditBlockID(0, slackui.FieldRate), slackui.EditBlockID(0, slackui.FieldDescription)
	tests := []struct {
		name   string
		user   string
		values map[string]map[string]string
		want   map[string]string // block id → part of the inline error
	}{
		{"bad hours", partner, values(hours, "ten"), map[string]string{hours: "Hours are a number"}},
		{"bad rate", partner, values(rate, "1.234"), map[string]string{rate: "A rate is an amount"}},
		{"write-down without reason", partner, values(hours, "8"), map[string]string{slackui.BlockWriteDown: "choose a write-down reason"}},
		{"empty description", partner, values(desc, " "), map[string]string{desc: "needs a description"}},
		{"due before invoice date", partner, values(slackui.BlockDueDate, "2026-10-01"), map[string]string{slackui.BlockDueDate: "cannot be before"}},
		{"discount over 100", partner, values(slackui.BlockDiscount, "150"), map[string]string{slackui.BlockDiscount: "between 0 and 100"}},
		{"hours × rate beyond the bound", partner, values(hours, "99999999.99", rate, "9999999999999999.99"), map[string]string{hours: "the most billbot puts on one line or one invoice"}},
		{"not an approver", staffer, values(hours, "12"), map[string]string{slackui.BlockMemo: "can edit the Acme Corp invoice"}},
	}
	for _, tt := range tests {
		resp, work, err := f.h.HandleViewSubmission(t.Context(), chat.ViewSubmission{UserID: tt.user, CallbackID: chat.CallbackEdit, PrivateMetadata: id, Values: tt.values})
		if err != nil || work != nil {
			t.Errorf("%s: work %v, err %v", tt.name, work != nil, err)
			continue
		}
		if len(resp.Errors) != len(tt.want) {
			t.Errorf("%s: errors %v, want %v", tt.name, resp.Errors, tt.want)
		}
		for block, part := range tt.want {
			if !strings.Contains(resp.Errors[block], part) {
				t.Errorf("%s: error at %s = %q, want %q (all: %v)", tt.name, block, resp.Errors[block], part, resp.Errors)
			}
		}
	}
	if got := f.invoice(inv.ID); got.Version != inv.Version {
		t.Fatal("refused edits changed the invoice")
	}
	resp, work, err := f.h.HandleViewSubmission(t.Context(), chat.ViewSubmission{UserID: partner, CallbackID: chat.CallbackEdit, PrivateMetadata: id,
		Values: values(hours, "8", rate, "200.00", desc, "Advisory", slackui.BlockWriteDown, slackui.WriteDownScope, slackui.BlockWriteDownNote, "agreed with client")})
	if err != nil || len(resp.Errors) != 0 || work == nil {
		t.Fatalf("valid edit: %v %v %v", resp.Errors, work != nil, err)
	}
	if err := work(t.Context()); err != nil {
		t.Fatal(err)
	}
	// 8 h + 2 h at 200.
	if got := f.invoice(inv.ID); got.Total != money.MustParse("2000.00", "USD") || got.State != store.StatePending || len(got.WriteDowns) != 1 {
		t.Errorf("after edit: total %s, state %s, write-downs %+v", got.Total.Format("USD"), got.State, got.WriteDowns)
	}
}

func TestParseEdit(t *testing.T) {
	t.Parallel()
	inv := billing.Invoice{
		Currency: "USD", InvoiceDate: billing.MustDate("2026-10-31"),
		Lines: []billing.Line{
			{Kind: billing.LineHourly, Description: "Advisory", Qty: money.MustHours("10"), UnitPrice: money.MustParse("200.00", "USD"), Amount: money.MustParse("2000.00", "USD")},
			{Kind: billing.LineFixed, Description: "Fee", Qty: money.MustHours("1"), UnitPrice: money.MustParse("500.00", "USD"), Amount: money.MustParse("500.00", "USD")},
		},
	}
	ten, err := money.ParsePercent("12.5")
	if err != nil {
		t.Fatal(err)
	}
	h0, r0, d0 := slackui.EditBlockID(0, slackui.FieldHours), slackui.EditBlockID(0, slackui.FieldRate), slackui.EditBlockID(0, slackui.FieldDescription)
	r1 := slackui.EditBlockID(1, slackui.FieldRate)
	tests := []struct {
		name     string
		values   map[string]map[string]string
		want     workflow.Edit
		wantErrs []string // block ids with an error
	}{
		{name: "nothing", values: values(), want: workflow.Edit{}},
		{name: "hours of one line keep its rate and description", values: values(h0, " 7.25 "),
			want: workflow.Edit{Lines: []workflow.LineEdit{{Index: 0, Hours: money.MustHours("7.25"), Rate: money.MustParse("200.00", "USD"), Description: "Advisory"}}}},
		{name: "all fields, two lines, in line order", values: values(r1, "450.00", h0, "9", r0, "180", d0, "Advisory (revised)"),
			want: workflow.Edit{Lines: []workflow.LineEdit{
				{Index: 0, Hours: money.MustHours("9"), Rate: money.MustParse("180.00", "USD"), Description: "Advisory (revised)"},
				{Index: 1, Hours: money.MustHours("1"), Rate: money.MustParse("450.00", "USD"), Description: "Fee"},
			}}},
		{name: "bad hours", values: values(h0, "7,5"), wantErrs: []string{h0}},
		{name: "negative hours", values: values(h0, "-1"), wantErrs: []string{h0}},
		{name: "bad rate", values: values(r0, "two hundred"), wantErrs: []string{r0}},
		{name: "rate with too many decimals", values: values(r0, "199.999"), wantErrs: []string{r0}},
		{name: "negative rate", values: values(r0, "-5.00"), wantErrs: []string{r0}},
		{name: "missing line", values: values(slackui.EditBlockID(2, slackui.FieldHours), "1"), wantErrs: []string{slackui.EditBlockID(2, slackui.FieldHours)}},
		{name: "several errors at once", values: values(h0, "x", r1, "y"), wantErrs: []string{h0, r1}},
		{name: "discount", values: values(slackui.BlockDiscount, "12.5"), want: workflow.Edit{DiscountPercent: &ten}},
		{name: "empty discount leaves it", values: values(slackui.BlockDiscount, ""), want: workflow.Edit{}},
		{name: "bad discount", values: values(slackui.BlockDiscount, "ten"), wantErrs: []string{slackui.BlockDiscount}},
		{name: "due date, memo and write-down", values: values(slackui.BlockDueDate, "2026-12-15", slackui.BlockMemo, " Thanks! ", slackui.BlockWriteDown, "scope", slackui.BlockWriteDownNote, "as agreed"),
			want: workflow.Edit{DueDate: billing.MustDate("2026-12-15"), Memo: "Thanks!", WriteDownReason: "scope", WriteDownNote: "as agreed"}},
		{name: "bad due date", values: values(slackui.BlockDueDate, "12/15/2026"), wantErrs: []string{slackui.BlockDueDate}},
		{name: "unknown blocks are ignored", values: values("line_0_colour", "red", "something", "x"), want: workflow.Edit{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, errs := interactions.ParseEdit(tt.values, inv)
			if len(tt.wantErrs) > 0 {
				var blocks []string
				for b := range errs {
					blocks = append(blocks, b)
				}
				if diff := cmp.Diff(tt.wantErrs, blocks, cmpSorted); diff != "" {
					t.Errorf("error blocks (-want +got):\n%s\nerrors: %v", diff, errs)
				}
				return
			}
			if errs != nil {
				t.Fatalf("errors: %v", errs)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("edit (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSubmitEditDiscount: a discount typed into the Edit modal is charged,
// and the invoice's discount line always names the percent it charges.
func TestSubmitEditDiscount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inv := f.pending() // 12 h at 200, no discount
	id := strconv.FormatInt(inv.ID, 10)
	for _, tc := range []struct {
		name     string
		values   map[string]map[string]string
		total    string
		discount string // the discount line's description; "" for none
	}{
		{"typed on a draft without one", values(slackui.BlockDiscount, "10"), "2160.00", "Discount 10 %"},
		{"lowered", values(slackui.BlockDiscount, "5"), "2280.00", "Discount 5 %"},
		{"left empty: kept", values(slackui.BlockMemo, "Thanks"), "2280.00", "Discount 5 %"},
		{"removed", values(slackui.BlockDiscount, "0"), "2400.00", ""},
	} {
		resp, work, err := f.h.HandleViewSubmission(t.Context(), chat.ViewSubmission{UserID: partner, CallbackID: chat.CallbackEdit, PrivateMetadata: id, Values: tc.values})
		if err != nil || len(resp.Errors) != 0 || work == nil {
			t.Fatalf("%s: %v %v %v", tc.name, resp.Errors, work != nil, err)
		}
		if err := work(t.Context()); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := f.invoice(inv.ID)
		var desc string
		for _, l := range got.Lines {
			if l.Kind == billing.LineDiscount {
				desc = l.Description
			}
		}
		if got.Total != money.MustParse(tc.total, "USD") || desc != tc.discount {
			t.Errorf("%s: total %s, discount line %q; want %s, %q", tc.name, got.Total.Format("USD"), desc, tc.total, tc.discount)
		}
	}
}

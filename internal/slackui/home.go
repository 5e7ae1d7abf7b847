package slackui

import (
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"billbot/internal/chat"
)

// homeDisputedShown is how many disputed invoices App Home lists.
const homeDisputedShown = 10

// homeDraftsShown caps the drafts listed: two blocks each keeps the tab
// within Slack's 100-block limit for views.
const homeDraftsShown = 20

// homeGroupsShown caps the exception kinds summarised on the tab.
const homeGroupsShown = 20

// HomeView renders the App Home tab: drafts awaiting the user's approval
// with their buttons, the receivables headline and open exceptions by kind.
func HomeView(h Home) slack.HomeTabViewRequest {
	var blocks []slack.Block
	blocks = append(blocks, header("home_header", "Billing"))
	greeting := "Here is what needs you today."
	if m := mention(h.UserID); m != "" {
		greeting = "Hi " + m + ". " + greeting
	}
	blocks = append(blocks, section("home_greeting", greeting))

	blocks = append(blocks, header("home_drafts_header", "Awaiting your approval ("+strconv.Itoa(len(h.AwaitingMe))+")"))
	if len(h.AwaitingMe) == 0 {
		blocks = append(blocks, section("home_drafts_none", "Nothing awaits your approval."))
	}
	for i, s := range h.AwaitingMe {
		if i == homeDraftsShown {
			blocks = append(blocks, contextBlock("home_drafts_more",
				"…and "+plural(len(h.AwaitingMe)-i, "more draft", "more drafts")+" in the billing channel"))
			break
		}
		blocks = append(blocks, homeDraft(i, s)...)
	}

	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, header("home_ar_header", "Receivables"))
	blocks = append(blocks, fieldsSection("home_ar",
		"*Outstanding*\n"+amounts(h.AR.Outstanding),
		"*Overdue* · "+strconv.Itoa(h.AR.OverdueCount)+"\n"+amounts(h.AR.Overdue),
	))
	if !h.AR.AsOf.IsZero() {
		blocks = append(blocks, contextBlock("home_ar_as_of", "As of "+formatDate(h.AR.AsOf)+" · `/ar aging` for buckets and DSO"))
	}
	blocks = append(blocks, DisputedBlocks("home", h.Disputed, h.DisputedIn, homeDisputedShown)...)

	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, header("home_exceptions_header", "Open exceptions"))
	var items []string
	for i, g := range h.OpenExceptions {
		if i == homeGroupsShown {
			items = append(items, "_…and "+plural(len(h.OpenExceptions)-i, "more kind", "more kinds")+"_")
			break
		}
		items = append(items, "• "+groupTitle(g)+" · "+strconv.Itoa(groupCount(g)))
	}
	if len(items) == 0 {
		blocks = append(blocks, section("home_exceptions_none", "No open exceptions 🎉"))
	} else {
		blocks = append(blocks, packSections("home_exceptions", items)...)
		blocks = append(blocks, contextBlock("home_exceptions_hint", "`/billing exceptions` lists each one with its fix"))
	}
	if h.Health != nil {
		blocks = append(blocks, homeFirmHealth(*h.Health)...)
	}
	if h.QBO != nil && h.QBO.LinkURL != "" {
		blocks = append(blocks, homeQBO(*h.QBO)...)
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
}

// homeQBO is the QuickBooks section: the connected company and a one-time
// link to connect or reconnect it. Switching to another company is not
// offered here; it needs `billbot qbo connect --switch-company`.
func homeQBO(q QBOConnect) []slack.Block {
	name, org, signIn, cmd := "QuickBooks", "company", "Intuit", "`billbot qbo connect --switch-company`"
	if q.Ledger != "" {
		name, org, signIn, cmd = q.Ledger, "organisation", q.Ledger, "`billbot "+strings.ToLower(q.Ledger)+" connect --switch-organisation`"
	}
	status, label := name+" is not connected yet.", "Connect "+name
	if q.RealmID != "" {
		cn := q.CompanyName
		if cn == "" {
			cn = org
		}
		status, label = "Connected to *"+esc(clipPlain(cn, 150))+"* ("+org+" id "+esc(q.RealmID)+").", "Reconnect "+name
	}
	return []slack.Block{
		slack.NewDividerBlock(),
		header("home_qbo_header", name),
		section("home_qbo_status", status),
		actions("home_qbo_actions", linkButton(chat.ActionConnectQBO, label, q.LinkURL)),
		contextBlock("home_qbo_hint", "The button opens a one-time link for you, valid "+plural(q.Minutes, "minute", "minutes")+"; press Continue on its page to go to "+signIn+
			". Connecting another "+org+" needs "+cmd+"."),
	}
}

// homeDraft is one draft with the same buttons as its message, so it can be
// decided from the Home tab.
func homeDraft(i int, s DraftSummary) []slack.Block {
	id := strconv.FormatInt(s.InvoiceID, 10)
	n := strconv.Itoa(i)
	text := "*" + esc(clipPlain(s.Client, 150)) + "* · " + formatPeriod(s.Period) + " · " + docNumber(s.DocNumber) +
		" · *" + s.Total.Display(s.Currency) + "* · due " + formatDate(s.DueDate)
	d := Draft{InvoiceID: s.InvoiceID, Client: s.Client, Currency: s.Currency, Total: s.Total}
	return []slack.Block{
		section("home_draft_"+n, text),
		actions("home_draft_actions_"+n,
			approveButton(d, id),
			button(chat.ActionEdit, id, "Edit"),
			button(chat.ActionHold, id, "Hold").WithStyle(slack.StyleDanger),
			linkButton(chat.ActionOpenInQBO, "Open in "+ledgerName(s.Ledger), s.QBOURL)),
	}
}

package slackui

import (
	"strconv"

	"github.com/slack-go/slack"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// channelLink formats a channel id as a link; anything that is not an id is
// escaped text.
func channelLink(id string) string {
	for _, r := range id {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return esc(id)
		}
	}
	return "<#" + id + ">"
}

// appendGroups appends exception kinds while they fit within budget blocks,
// then one line naming how many kinds were left out.
func appendGroups(blocks []slack.Block, prefix string, groups []ExceptionGroup, budget int) []slack.Block {
	for i, g := range groups {
		if groupCount(g) == 0 {
			continue
		}
		gb := exceptionGroupBlocks(prefix+"_"+strconv.Itoa(i), g)
		if len(blocks)+len(gb) > budget-1 {
			blocks = append(blocks, contextBlock(prefix+"_more_kinds",
				"…and "+plural(len(groups)-i, "more kind", "more kinds")+" of exception: see `/billing exceptions`"))
			break
		}
		blocks = append(blocks, gb...)
	}
	return blocks
}

// DraftsReadyDM renders the billing manager's DM after a draft run: how many
// drafts are ready and where, their totals per currency, and the exceptions
// that need the manager before anything can be billed.
func DraftsReadyDM(r DraftsReady) (text string, blocks []slack.Block) {
	where := "in the partners' direct messages"
	if r.ChannelID != "" {
		where = "in " + channelLink(r.ChannelID)
	}
	text = plural(r.Count, "draft invoice is", "draft invoices are") + " ready for review " + where
	if !r.PeriodEnd.IsZero() {
		text = plural(r.Count, "draft invoice", "draft invoices") + " for cycles ending " + formatDate(r.PeriodEnd) +
			" " + isAre(r.Count) + " ready for review " + where
	}
	intro := text + "."
	if m := mention(r.ManagerID); m != "" {
		intro = m + ", " + intro
	}
	blocks = append(blocks, header("ready_header", "Drafts ready for review"))
	blocks = append(blocks, section("ready_intro", intro))
	blocks = append(blocks, fieldsSection("ready_fields",
		"*Drafts*\n"+strconv.Itoa(r.Count),
		"*Total*\n"+amounts(r.Totals),
	))
	open := 0
	for _, g := range r.Exceptions {
		open += groupCount(g)
	}
	if open > 0 {
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, section("ready_exceptions", "*"+plural(open, "open exception needs", "open exceptions need")+" your attention:*"))
		blocks = appendGroups(blocks, "ready_ex", r.Exceptions, MaxMessageBlocks)
	}
	return clipMrkdwn(text, MaxTextLen), blocks
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// RetainerAlertDM renders the retainer alert: the engagement, hours used of
// the block, and whether a replenishment invoice was drafted.
func RetainerAlertDM(r RetainerAlert) (text string, blocks []slack.Block) {
	used := money.Ratio(int64(r.UsedHours), int64(r.BlockHours))
	title := "Retainer " + used.String() + " % used: " + r.Client
	text = esc(r.Client) + "'s retainer is " + used.String() + " % used"
	if r.Exhausted {
		title = "Retainer used up: " + r.Client
		text = esc(r.Client) + "'s retainer is used up"
	}
	body := "Engagement *" + esc(r.Engagement) + "*: " + r.UsedHours.String() + " of " + r.BlockHours.String() +
		" prepaid hours used (" + used.String() + " %)."
	if r.Exhausted {
		body += "\nFurther time is held off invoices until the next block is billed."
	}
	if rep := r.Replenishment; rep != nil {
		body += "\nA replenishment invoice " + docNumber(rep.DocNumber) + " for *" + rep.Amount.Display(rep.Currency) +
			"* is drafted and awaits approval."
	} else {
		body += "\nNo replenishment invoice is drafted yet."
	}
	blocks = []slack.Block{
		header("retainer_header", title),
		section("retainer_body", body),
	}
	return clipMrkdwn(text, MaxTextLen), blocks
}

// Run is what one /billing run (or the scheduled draft job) did.
type Run struct {
	PeriodEnd      billing.Date
	DryRun         bool
	By             string // Slack user id; empty when the scheduler ran it
	Drafted        int
	Unchanged      int // drafts an earlier run already made
	Supplemental   int
	Replenishments int
	Totals         []CurrencyAmount
	Exceptions     int
	Failures       []RunFailure
}

// RunFailure is a client whose draft could not be made.
type RunFailure struct {
	Client  string
	Message string
}

// runFailuresShown caps the failures listed.
const runFailuresShown = 10

// RunSummary renders what a billing run did: drafts made, already there,
// supplemental and replenishment invoices, totals, exceptions and failures.
func RunSummary(r Run) (text string, blocks []slack.Block) {
	title := "Billing run"
	if !r.PeriodEnd.IsZero() {
		title += ": cycles ending " + formatDate(r.PeriodEnd)
	}
	if r.DryRun {
		title += " (dry run)"
	}
	blocks = append(blocks, header("run_header", title))
	blocks = append(blocks, fieldsSection("run_fields",
		"*Drafted*\n"+strconv.Itoa(r.Drafted),
		"*Already drafted*\n"+strconv.Itoa(r.Unchanged),
		"*Supplemental*\n"+strconv.Itoa(r.Supplemental),
		"*Retainer blocks*\n"+strconv.Itoa(r.Replenishments),
		"*Total*\n"+amounts(r.Totals),
		"*Open exceptions*\n"+strconv.Itoa(r.Exceptions),
	))
	if len(r.Failures) > 0 {
		items := []string{"*Failed*"}
		for i, f := range r.Failures {
			if i == runFailuresShown {
				items = append(items, "_…and "+strconv.Itoa(len(r.Failures)-i)+" more_")
				break
			}
			items = append(items, "• *"+esc(clipPlain(f.Client, 100))+"* — "+esc(clipPlain(oneLine(f.Message), 250)))
		}
		blocks = append(blocks, packSections("run_failures", items)...)
	}
	var notes []string
	if r.DryRun {
		notes = append(notes, "Dry run: nothing was created in QuickBooks or posted for approval.")
	}
	if m := mention(r.By); m != "" {
		notes = append(notes, "Run by "+m)
	}
	if len(notes) > 0 {
		blocks = append(blocks, contextBlock("run_context", notes...))
	}
	verb := "Drafted "
	if r.DryRun {
		verb = "Dry run: would draft "
	}
	text = verb + plural(r.Drafted, "invoice", "invoices") + " (" + amounts(r.Totals) + "), " +
		plural(r.Exceptions, "open exception", "open exceptions")
	if len(r.Failures) > 0 {
		text += ", " + strconv.Itoa(len(r.Failures)) + " failed"
	}
	return clipMrkdwn(text, MaxTextLen), blocks
}

package slackui

import (
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"billbot/internal/chat"
	"billbot/internal/invoicedetail"
)

// detailEntriesShown is how many entries a Slack reply lists per line; the
// web page and `billbot invoice show` list them all.
const detailEntriesShown = 8

// InvoiceDetailReply renders an invoice's lines with their time entries,
// write-downs and dispute for Slack. link, when set, is the signed detail
// page (every entry, CSV download).
func InvoiceDetailReply(d invoicedetail.Detail, link string, loc *time.Location) (string, []slack.Block) {
	cur := d.Currency
	text := "Invoice " + d.Number + " — " + d.Client + ": " + d.Total.Display(cur) + ", " + plural(d.EntryCount(), "time entry", "time entries")
	blocks := []slack.Block{
		header("detail_header", "Invoice "+d.Number+" — "+d.Client),
		contextBlock("detail_meta", esc(d.State)+" · "+formatPeriod(d.Period)+" · total *"+d.Total.Display(cur)+"* · "+d.Hours.String()+" h"),
	}
	if ds, ok := d.OpenDispute(); ok {
		s := section("detail_dispute", ":warning: *Disputed* "+formatTime(ds.OpenedAt, loc)+" by "+mention(ds.OpenedBy)+": "+clipMrkdwn(esc(oneLine(ds.Reason)), 1000)+"\nCollections are paused until it is resolved.")
		s.Accessory = slack.NewAccessory(button(chat.ActionResolveDispute, strconv.FormatInt(d.InvoiceID, 10), "Resolve"))
		blocks = append(blocks, s)
	}
	for _, l := range d.Lines {
		if len(blocks) >= MaxMessageBlocks-4 {
			blocks = append(blocks, contextBlock("detail_more_lines", "More lines on the detail page."))
			break
		}
		var b strings.Builder
		b.WriteString("*" + strconv.Itoa(l.No) + ". " + esc(oneLine(l.Description)) + "* — " + l.Qty.String() + " h × " + l.UnitPrice.Display(cur) + " = *" + l.Amount.Display(cur) + "*")
		if l.WrittenDown() {
			b.WriteString("\n_written down from " + l.Original.Display(cur) + ": " + esc(oneLine(l.WriteDownReason)) + "_")
		}
		for i, e := range l.Entries {
			if i == detailEntriesShown {
				b.WriteString("\n… and " + plural(len(l.Entries)-i, "more entry", "more entries"))
				break
			}
			b.WriteString("\n• " + e.Date.String() + " " + esc(oneLine(e.Staff)) + ", " + esc(oneLine(e.Task)) + ": " + e.Hours.String() + " h @ " + e.Rate.Display(cur))
			if n := oneLine(e.Notes); n != "" {
				b.WriteString(" — " + esc(clipPlain(n, 120)))
			}
			b.WriteString(" (" + e.SourceName() + " " + esc(e.SourceID) + ")")
		}
		blocks = append(blocks, section("detail_line_"+strconv.Itoa(l.No), clipMrkdwn(b.String(), MaxTextLen)))
	}
	var edits []string
	for _, e := range d.Edits {
		edits = append(edits, formatTime(e.At, loc)+" "+mention(e.Actor)+": "+e.TotalBefore.Display(cur)+" → "+e.TotalAfter.Display(cur)+" — "+esc(oneLine(e.Reason)))
	}
	if len(edits) > 0 {
		blocks = append(blocks, section("detail_edits", clipMrkdwn("*Edits and write-downs*\n"+strings.Join(edits, "\n"), MaxTextLen)))
	}
	var buttons []*slack.ButtonBlockElement
	if _, disputed := d.OpenDispute(); !disputed && d.State == "sent" && d.Balance > 0 {
		// The client questions an invoice it owes on: reminders stop until resolved.
		buttons = append(buttons, disputeButton(strconv.FormatInt(d.InvoiceID, 10)))
	}
	if link != "" {
		buttons = append(buttons, linkButton(chat.ActionOpenDetail, "Every entry (web, CSV)", link))
	}
	if len(buttons) > 0 {
		blocks = append(blocks, actions("detail_actions", buttons...))
	}
	return clipMrkdwn(text, MaxTextLen), blocks
}

// AuditRow is one audit event for Slack.
type AuditRow struct {
	At     time.Time
	Actor  string
	Action string
	Change string
	Note   string
}

// AuditReply renders an invoice's history, newest last, at most 40 events.
func AuditReply(number string, rows []AuditRow, loc *time.Location) (string, []slack.Block) {
	text := "History of invoice " + number + ": " + plural(len(rows), "event", "events")
	if len(rows) > 40 {
		rows = rows[len(rows)-40:]
	}
	items := make([]string, 0, len(rows))
	for _, r := range rows {
		it := formatTime(r.At, loc) + " · " + mention(r.Actor) + " · *" + esc(r.Action) + "*"
		if r.Change != "" {
			it += "\n" + esc(clipPlain(r.Change, 600))
		}
		if r.Note != "" {
			it += "\n_" + esc(oneLine(clipPlain(r.Note, 600))) + "_"
		}
		items = append(items, it)
	}
	blocks := []slack.Block{header("history_header", "History of invoice "+number)}
	if len(items) == 0 {
		blocks = append(blocks, section("history_empty", "No events recorded."))
	}
	return text, append(blocks, packSections("history", items)...)
}

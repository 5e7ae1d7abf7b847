package slackui

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"billbot/internal/billing"
)

// esc escapes the three characters Slack treats as control characters in
// mrkdwn text, so that a client called "Smith & Sons <Ltd>" prints as typed
// and cannot inject a link or a mention. Only &, < and > are escaped: other
// entities would print literally. Source: docs.slack.dev/messaging/formatting-message-text
// ("Escaping text").
func esc(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

// oneLine folds newlines and tabs into spaces so a user's text cannot break
// a list layout.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// clipPlain cuts s to at most n characters (runes), ending with "…" when cut.
func clipPlain(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	i, count := 0, 0
	for j := range s {
		if count == n-1 {
			i = j
			break
		}
		count++
	}
	return s[:i] + "…"
}

// clipMrkdwn is clipPlain for mrkdwn text: it never leaves half an entity
// ("&am") or an unclosed "<…|…>" link or mention at the cut.
func clipMrkdwn(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	out := strings.TrimSuffix(clipPlain(s, n), "…")
	if amp := strings.LastIndexByte(out, '&'); amp >= 0 && !strings.Contains(out[amp:], ";") {
		out = out[:amp]
	}
	if lt := strings.LastIndexByte(out, '<'); lt >= 0 && !strings.Contains(out[lt:], ">") {
		out = out[:lt]
	}
	return out + "…"
}

// md returns a mrkdwn text object clipped to limit.
func md(s string, limit int) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, clipMrkdwn(s, limit), false, false)
}

// plain returns a plain_text text object clipped to limit.
func plain(s string, limit int) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, clipPlain(s, limit), true, false)
}

// header returns a header block.
func header(id, text string) slack.Block {
	return slack.NewHeaderBlock(plain(text, maxHeaderLen), slack.HeaderBlockOptionBlockID(id))
}

// section returns a section block with mrkdwn text.
func section(id, text string) *slack.SectionBlock {
	return slack.NewSectionBlock(md(text, MaxTextLen), nil, nil, slack.SectionBlockOptionBlockID(id))
}

// fieldsSection returns a section of two-column mrkdwn fields, at most ten.
func fieldsSection(id string, fields ...string) slack.Block {
	if len(fields) > maxFields {
		fields = fields[:maxFields]
	}
	objs := make([]*slack.TextBlockObject, len(fields))
	for i, f := range fields {
		objs[i] = md(f, maxFieldLen)
	}
	return slack.NewSectionBlock(nil, objs, nil, slack.SectionBlockOptionBlockID(id))
}

// contextBlock returns a context block of mrkdwn texts, at most ten.
func contextBlock(id string, texts ...string) slack.Block {
	if len(texts) > maxContextElems {
		texts = texts[:maxContextElems]
	}
	elems := make([]slack.MixedElement, len(texts))
	for i, t := range texts {
		elems[i] = md(t, MaxTextLen)
	}
	return slack.NewContextBlock(id, elems...)
}

// button returns a button; value carries the entity id (never display text).
func button(actionID, value, label string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionID, clipPlain(value, maxButtonValueLen), plain(label, maxButtonLen))
}

// linkButton returns a button that opens url; nil when url is empty or too
// long to be a valid button url.
func linkButton(actionID, label, url string) *slack.ButtonBlockElement {
	if url == "" || utf8.RuneCountInString(url) > maxURLLen {
		return nil
	}
	return slack.NewButtonBlockElement(actionID, "", plain(label, maxButtonLen)).WithURL(url)
}

// actions returns an actions block of the non-nil buttons, or nil when none.
func actions(id string, buttons ...*slack.ButtonBlockElement) slack.Block {
	var elems []slack.BlockElement
	for _, b := range buttons {
		if b != nil {
			elems = append(elems, b)
		}
	}
	if len(elems) == 0 {
		return nil
	}
	return slack.NewActionBlock(id, elems...)
}

// packSections packs list items into as few mrkdwn sections as fit under
// the section text limit, with block ids prefix_0, prefix_1, …; an item too
// long for a section on its own is clipped.
func packSections(prefix string, items []string) []slack.Block {
	var blocks []slack.Block
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			blocks = append(blocks, section(prefix+"_"+strconv.Itoa(len(blocks)), cur.String()))
			cur.Reset()
		}
	}
	curLen := 0
	for _, it := range items {
		it = clipMrkdwn(it, MaxTextLen)
		n := utf8.RuneCountInString(it)
		if cur.Len() > 0 && curLen+1+n > MaxTextLen {
			flush()
			curLen = 0
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
			curLen++
		}
		cur.WriteString(it)
		curLen += n
	}
	flush()
	return blocks
}

// mention formats a Slack user id as a mention; anything that is not an id
// is escaped and printed as text.
func mention(userID string) string {
	if userID == "" {
		return ""
	}
	for _, r := range userID {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return esc(userID)
		}
	}
	return "<@" + userID + ">"
}

// dateLayout is how billbot shows a calendar day: "Oct 31, 2026".
const dateLayout = "Jan 2, 2006"

// formatDate formats d as "Oct 31, 2026", or "—" for the zero Date.
func formatDate(d billing.Date) string {
	if d.IsZero() {
		return "—"
	}
	return d.Time(time.UTC).Format(dateLayout)
}

// formatPeriod formats p as "Oct 1 – Oct 31, 2026", naming the year once
// when both ends share it.
func formatPeriod(p billing.Period) string {
	if p.Start.IsZero() || p.End.IsZero() {
		return formatDate(p.Start) + " – " + formatDate(p.End)
	}
	if p.Start.Year == p.End.Year {
		return p.Start.Time(time.UTC).Format("Jan 2") + " – " + formatDate(p.End)
	}
	return formatDate(p.Start) + " – " + formatDate(p.End)
}

// formatTime formats an instant in loc: "Oct 31, 2026, 2:05 PM EDT".
func formatTime(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(dateLayout + ", 3:04 PM MST")
}

// amounts joins per-currency totals: "USD 1,000.00 · CAD 250.00"; "—" when
// empty.
func amounts(totals []CurrencyAmount) string {
	if len(totals) == 0 {
		return "—"
	}
	parts := make([]string, len(totals))
	for i, t := range totals {
		parts[i] = t.Amount.Display(t.Currency)
	}
	return strings.Join(parts, " · ")
}

// plural returns "1 line" or "3 lines".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// tenths formats a count of tenths as a decimal: 423 → "42.3".
func tenths(v int64) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v/10, 10) + "." + strconv.FormatInt(v%10, 10)
	if neg {
		return "-" + s
	}
	return s
}

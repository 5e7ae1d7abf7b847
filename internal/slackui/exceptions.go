package slackui

import (
	"strconv"

	"github.com/slack-go/slack"

	"billbot/internal/billing"
	"billbot/internal/chat"
)

// exceptionItemsShown is how many exceptions of one kind a reply lists.
const exceptionItemsShown = 5

// exceptionItemText renders one exception with its fix.
func exceptionItemText(it ExceptionItem) string {
	s := "• "
	if it.Client != "" {
		s += "*" + esc(clipPlain(it.Client, 100)) + "*"
	}
	if it.Engagement != "" {
		s += " · " + esc(clipPlain(it.Engagement, 100))
	}
	if it.EntryCount > 0 {
		s += " · " + plural(it.EntryCount, "entry", "entries")
	}
	if it.Message != "" {
		s += " — " + esc(clipPlain(oneLine(it.Message), 300))
	}
	if it.Fix != "" {
		s += "\n   _Fix:_ " + esc(clipPlain(oneLine(it.Fix), 300))
	}
	return s
}

func groupCount(g ExceptionGroup) int {
	return max(g.Count, len(g.Items))
}

func groupTitle(g ExceptionGroup) string {
	t := g.Title
	if t == "" {
		t = string(g.Code)
	}
	return esc(clipPlain(t, 100))
}

// exceptionGroupBlocks renders one kind: a heading with the count, its first
// items with their fixes, and how many more there are. Late approvals get a
// "Supplemental invoice" button per item.
func exceptionGroupBlocks(prefix string, g ExceptionGroup) []slack.Block {
	items := g.Items
	if len(items) > exceptionItemsShown {
		items = items[:exceptionItemsShown]
	}
	head := "*" + groupTitle(g) + "* · " + strconv.Itoa(groupCount(g))
	more := ""
	if rest := groupCount(g) - len(items); rest > 0 {
		more = "_…and " + strconv.Itoa(rest) + " more_"
	}
	if g.Code != billing.ExLateApproval {
		texts := []string{head}
		for _, it := range items {
			texts = append(texts, exceptionItemText(it))
		}
		if more != "" {
			texts = append(texts, more)
		}
		return packSections(prefix, texts)
	}
	blocks := []slack.Block{section(prefix+"_head", head)}
	for i, it := range items {
		s := section(prefix+"_"+strconv.Itoa(i), exceptionItemText(it))
		if it.ID != 0 {
			s.Accessory = slack.NewAccessory(button(chat.ActionSupplemental, strconv.FormatInt(it.ID, 10), "Supplemental invoice"))
		}
		blocks = append(blocks, s)
	}
	if more != "" {
		blocks = append(blocks, contextBlock(prefix+"_more", more))
	}
	return blocks
}

// ExceptionsReply renders the answer to /billing exceptions: open exceptions
// grouped by kind with counts, the first five of each kind with the fix for
// each. filter is the client asked about, empty for all clients.
func ExceptionsReply(groups []ExceptionGroup, filter string) (text string, blocks []slack.Block) {
	scope := ""
	if filter != "" {
		scope = " for " + esc(filter)
	}
	total := 0
	for _, g := range groups {
		total += groupCount(g)
	}
	if total == 0 {
		text = "No open exceptions" + scope + " 🎉"
		return text, []slack.Block{section("exceptions_none", text)}
	}
	text = plural(total, "open exception", "open exceptions") + scope
	blocks = append(blocks, header("exceptions_header", "Open exceptions"+plainScope(filter)))
	blocks = append(blocks, contextBlock("exceptions_summary", text))
	blocks = appendGroups(blocks, "exceptions", groups, MaxMessageBlocks)
	return clipMrkdwn(text, MaxTextLen), blocks
}

// plainScope is " — Acme Corp" for plain_text headers, which need no
// escaping.
func plainScope(filter string) string {
	if filter == "" {
		return ""
	}
	return " — " + filter
}

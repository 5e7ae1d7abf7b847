package slackui

import (
	"regexp"

	"github.com/slack-go/slack"
)

// escapedMention is a Slack user mention after esc: the one markup a KPI
// line may carry ("Partner <@U0PARTNER1>: …").
var escapedMention = regexp.MustCompile(`&lt;@([UW][A-Z0-9]{2,20})&gt;`)

// KPIReply renders the firm's billing figures (/billing kpis and the
// monthly DM to the billing manager): a title, then each section. Figures
// are computed and written by the caller; this only lays them out.
func KPIReply(title string, sections []KPISection) (text string, blocks []slack.Block) {
	text = clipPlain(oneLine(title), 150)
	blocks = append(blocks, header("kpis_header", text))
	for i, s := range sections {
		items := []string{"*" + esc(clipPlain(oneLine(s.Title), 150)) + "*"}
		for _, l := range s.Lines {
			items = append(items, "• "+escapedMention.ReplaceAllString(esc(clipPlain(oneLine(l), 300)), "<@$1>"))
		}
		if len(s.Lines) == 0 {
			items = append(items, "_nothing in the period_")
		}
		blocks = append(blocks, packSections("kpis_"+string(rune('a'+i%26)), items)...)
	}
	blocks = append(blocks, contextBlock("kpis_hint", "Definitions: docs/kpis.md · `billbot report kpis --format csv` for the rows"))
	return clipMrkdwn(text, MaxTextLen), blocks
}

// homeFirmHealth renders the Firm health block.
func homeFirmHealth(f FirmHealth) []slack.Block {
	items := make([]string, 0, len(f.Lines))
	for _, l := range f.Lines {
		items = append(items, "• "+esc(clipPlain(oneLine(l), 200)))
	}
	blocks := []slack.Block{slack.NewDividerBlock(), header("home_health_header", "Firm health · "+clipPlain(f.Period, 60))}
	if len(items) == 0 {
		return append(blocks, section("home_health_none", "No figures for the period yet."))
	}
	blocks = append(blocks, packSections("home_health", items)...)
	return append(blocks, contextBlock("home_health_hint", "`/billing kpis` for the whole report"))
}

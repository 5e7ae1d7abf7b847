package slackui

import "github.com/slack-go/slack"

// StrangerHomeText is what someone the firm's configuration does not name
// reads on billbot's App Home.
const StrangerHomeText = "billbot shows billing only to the firm's people: the partners and managers of its engagements, its approvers, its billing manager and the viewers its configuration names. Ask the billing manager if you need access."

// StrangerHome is the App Home of someone who may read nothing: a notice,
// and nothing of the firm (no name, client, amount or exception).
func StrangerHome() slack.HomeTabViewRequest {
	return slack.HomeTabViewRequest{
		Type: slack.VTHomeTab,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			header("home_header", "billbot"),
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, StrangerHomeText, false, false), nil, nil, slack.SectionBlockOptionBlockID("home_no_access")),
		}},
	}
}

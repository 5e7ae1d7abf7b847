package slackui

import "github.com/slack-go/slack"

// NoAccessText is what someone the firm's configuration does not name is
// told, in answer to a command and on billbot's App Home.
const NoAccessText = "billbot answers only the firm's people: the partners and managers of its engagements, its approvers, its billing manager and the viewers its configuration names (firm.viewers). Ask the billing manager if you need to read billbot's reports."

// StrangerHome is the App Home of someone who may read nothing: a notice,
// and nothing of the firm (no name, client, amount or exception).
func StrangerHome() slack.HomeTabViewRequest {
	return slack.HomeTabViewRequest{
		Type: slack.VTHomeTab,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			header("home_header", "billbot"),
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, NoAccessText, false, false), nil, nil, slack.SectionBlockOptionBlockID("home_no_access")),
		}},
	}
}

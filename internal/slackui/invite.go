package slackui

import (
	"fmt"

	"github.com/slack-go/slack"
)

// InviteFix is what to type in a channel billbot is not a member of.
const InviteFix = "/invite @billbot"

// NotInChannel is the run summary's section saying that drafts wait because
// billbot is not in the billing channel, and how to fix it.
func NotInChannel(channel string, drafts int) slack.Block {
	text := fmt.Sprintf(":warning: I am not in the billing channel <#%s>, so %d draft invoice(s) wait to be posted. Type `/invite @billbot` in <#%s>, then `/billing run` again.", channel, drafts, channel)
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
}

package demo

import (
	"encoding/json"
	"regexp"
	"strings"
)

// block is the part of a Block Kit block the transcript reads.
type block struct {
	Type     string      `json:"type"`
	Text     *textObj    `json:"text"`
	Fields   []textObj   `json:"fields"`
	Elements []blockElem `json:"elements"`
	// image blocks
	Title   *textObj `json:"title"`
	AltText string   `json:"alt_text"`
}

type textObj struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type blockElem struct {
	Type string   `json:"type"`
	Text *textObj `json:"text"` // buttons
	// context elements are text objects themselves
	PlainText string `json:"-"`
	RawText   string `json:"text_raw,omitempty"`
}

func (e *blockElem) UnmarshalJSON(b []byte) error {
	var probe struct {
		Type string          `json:"type"`
		Text json.RawMessage `json:"text"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return err
	}
	e.Type = probe.Type
	if len(probe.Text) == 0 {
		return nil
	}
	if probe.Text[0] == '"' {
		return json.Unmarshal(probe.Text, &e.PlainText)
	}
	e.Text = &textObj{}
	return json.Unmarshal(probe.Text, e.Text)
}

var (
	mentionRe = regexp.MustCompile(`<@([A-Z0-9]+)(\|[^>]*)?>`)
	channelRe = regexp.MustCompile(`<#([A-Z0-9]+)(\|[^>]*)?>`)
	linkRe    = regexp.MustCompile(`<(https?://[^|>]+)\|([^>]+)>`)
	bareRe    = regexp.MustCompile(`<(https?://[^>]+)>`)
)

// plainText turns Slack mrkdwn into text a terminal shows well: mentions
// become names, links their labels, emphasis marks go.
func plainText(s string) string {
	s = mentionRe.ReplaceAllStringFunc(s, func(m string) string {
		id := mentionRe.FindStringSubmatch(m)[1]
		if n, ok := Names[id]; ok {
			return "@" + strings.SplitN(n, " (", 2)[0]
		}
		return "@" + id
	})
	s = channelRe.ReplaceAllString(s, "#billing")
	s = linkRe.ReplaceAllString(s, "$2")
	s = bareRe.ReplaceAllString(s, "$1")
	s = strings.NewReplacer("*", "", "_", " ", "&amp;", "&", "&lt;", "<", "&gt;", ">", "`", "").Replace(s)
	return strings.TrimSpace(s)
}

// Render writes a Slack message (its blocks, else its text) as indented
// lines for the transcript.
func Render(text string, blocksJSON []byte, indent string) string {
	var blocks []block
	_ = json.Unmarshal(blocksJSON, &blocks)
	if len(blocks) == 0 {
		return indent + plainText(text) + "\n"
	}
	var b strings.Builder
	line := func(s string) {
		for _, l := range strings.Split(s, "\n") {
			if strings.TrimSpace(l) == "" {
				continue
			}
			b.WriteString(indent + l + "\n")
		}
	}
	for _, bl := range blocks {
		switch bl.Type {
		case "header":
			if bl.Text != nil {
				line("┃ " + strings.ToUpper(plainText(bl.Text.Text)))
			}
		case "section":
			if bl.Text != nil {
				line(plainText(bl.Text.Text))
			}
			var fs []string
			for _, f := range bl.Fields {
				fs = append(fs, strings.ReplaceAll(plainText(f.Text), "\n", " "))
			}
			if len(fs) > 0 {
				line(strings.Join(fs, " · "))
			}
		case "context":
			var parts []string
			for _, e := range bl.Elements {
				switch {
				case e.Text != nil:
					parts = append(parts, plainText(e.Text.Text))
				case e.PlainText != "":
					parts = append(parts, plainText(e.PlainText))
				}
			}
			line("  " + strings.Join(parts, " "))
		case "actions":
			var btns []string
			for _, e := range bl.Elements {
				if e.Text != nil {
					btns = append(btns, "["+e.Text.Text+"]")
				}
			}
			line(strings.Join(btns, " "))
		case "image":
			title := bl.AltText
			if bl.Title != nil {
				title = bl.Title.Text
			}
			line("[image: " + title + "]")
		case "divider":
			line("────")
		}
	}
	return b.String()
}

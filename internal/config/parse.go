package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// Keys of each level of the firm configuration, in CONTRACT.md's order
// (Export writes them in this order too).
var (
	rootKeys       = []string{"firm", "clients", "engagements"}
	firmKeys       = []string{"name", "timezone", "home_currency", "go_live", "mode", "time_source", "toggl", "ledger", "billing_channel", "billing_manager", "approvers", "viewers", "default_item", "unapproved_alert_days", "approval_nudge_days", "hold_nudge_days", "zero_total", "ledger_write", "capacity_hours_per_week", "reminder_days", "escalation_days", "schedules", "staff"}
	scheduleKeys   = []string{JobSync, JobDraft, JobCollections, JobApprovals}
	clientKeys     = []string{"name", "harvest_client_id", "source_client_id", "qbo_customer_id", "ledger_customer_id", "currency", "email", "mode"}
	engagementKeys = []string{"key", "client", "harvest_project_id", "source_project_id", "kind", "starts_on", "ends_on", "bill_from", "partner", "manager", "cycle", "terms_days", "rates", "person_rates", "level_rates", "discount_percent", "fixed_fee", "retainer", "task_items"}
	retainerKeys   = []string{"hours", "amount", "used_hours"}
)

// ParseFirm parses and validates a firm configuration. filename only labels
// errors. On failure it returns a *Error, or an ErrorList when there are
// several problems, each naming file, line and field; the Firm is then nil.
func ParseFirm(filename string, data []byte) (*Firm, error) {
	root, err := parseYAML(filename, data)
	if err != nil {
		return nil, err
	}
	d := &decoder{file: filename}
	f := d.firm(root)
	switch len(d.errs) {
	case 0:
		return f, nil
	case 1:
		return nil, d.errs[0]
	}
	slices.SortStableFunc(d.errs, func(a, b *Error) int { return a.Line - b.Line })
	return nil, d.errs
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML reads exactly one YAML document. Its errors carry the parser's
// line when the parser gives one.
func parseYAML(filename string, data []byte) (*yaml.Node, error) {
	if !utf8.Valid(data) {
		bad := 0
		for bad < len(data) {
			r, size := utf8.DecodeRune(data[bad:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			bad += size
		}
		return nil, &Error{File: filename, Line: 1 + bytes.Count(data[:bad], []byte("\n")), Msg: "invalid YAML: not UTF-8 text"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, syntaxError(filename, data, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, &Error{File: filename, Line: max(extra.Line, 1), Msg: "invalid YAML: only one document is allowed (remove the second ---)"}
	case !errors.Is(err, io.EOF):
		return nil, syntaxError(filename, data, err)
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		return doc.Content[0], nil
	}
	// An empty file: report the missing firm block on line 1.
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: 1}, nil
}

// parserProblems are the messages of the YAML parser proper (parserc.go),
// as opposed to its scanner. For these, yaml.v3 reports the 0-based line of
// the enclosing block, so one is added to point at the block's first line.
var parserProblems = []string{
	"did not find expected <stream-start>",
	"did not find expected <document start>",
	"did not find expected node content",
	"did not find expected '-' indicator",
	"did not find expected key",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"found undefined tag handle",
	"found duplicate %YAML directive",
	"found duplicate %TAG directive",
	"found incompatible YAML document",
}

func syntaxError(filename string, data []byte, err error) *Error {
	msg := strings.TrimPrefix(strings.ReplaceAll(err.Error(), "\n", " "), "yaml: ")
	line := 0
	if m := yamlLine.FindStringSubmatch("yaml: " + msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if slices.Contains(parserProblems, msg) {
		line++ // 0-based, or absent for the first line
	}
	if line == 0 {
		// Reader errors (control characters) carry no position: find it.
		line = unprintableLine(data)
	}
	return &Error{File: filename, Line: line, Msg: "invalid YAML: " + msg}
}

// unprintableLine returns the line of the first character YAML does not
// allow in a stream (YAML 1.2 §5.1, c-printable), or 1 when there is none.
func unprintableLine(data []byte) int {
	line := 1
	for _, r := range string(data) {
		switch {
		case r == '\n':
			line++
		case r == '\t' || r == '\r' || r == 0x85:
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) || (r >= 0xD800 && r < 0xE000) || r == 0xFFFE || r == 0xFFFF:
			return line
		}
	}
	return 1
}

func (d *decoder) firm(root *yaml.Node) *Firm {
	f := &Firm{}
	root = deref(root)
	if isNull(root) {
		d.add(1, "firm", "required: the file is empty; it needs a firm: block")
		return f
	}
	top := d.fields(root, "", rootKeys...)
	if top.bad {
		return f
	}
	if n := top.node("firm"); n != nil {
		d.firmBlock(f, n)
	} else {
		top.errorf("firm", "required: the file needs a firm: block")
	}
	if f.HomeCurrency == "" {
		f.HomeCurrency = DefaultHomeCurrency
	}
	d.clients(f, top)
	d.engagements(f, top)
	return f
}

// userIDs reads a list of Slack user ids (approvers, viewers).
func (d *decoder) userIDs(m *fields, key string) []string {
	items, _ := m.list(key)
	var out []string
	for i, it := range items {
		field := index(m.field(key), i)
		if it.Kind != yaml.ScalarNode || !isUserRef(strings.TrimSpace(it.Value)) {
			d.add(it.Line, field, "%q is not a Slack user id (U… or W…, upper-case letters and digits) or an email address", it.Value)
			continue
		}
		out = append(out, strings.TrimSpace(it.Value))
	}
	return out
}

func (d *decoder) firmBlock(f *Firm, n *yaml.Node) {
	m := d.fields(n, "firm", firmKeys...)
	f.Name = m.str("name", true)
	f.Timezone = DefaultTimezone
	if tz := m.str("timezone", false); tz != "" {
		if err := checkZone(tz); err != nil {
			m.errorf("timezone", "%v", err)
		} else {
			f.Timezone = tz
		}
	}
	f.HomeCurrency = m.currency("home_currency", DefaultHomeCurrency)
	d.goLive(f, m)
	d.sources(f, m)
	d.staff(f, m)
	f.BillingChannel = m.str("billing_channel", false)
	if c := f.BillingChannel; c != "" && !channelIDPattern.MatchString(c) {
		m.errorf("billing_channel", "%q is not a Slack channel id (C… or G…, upper-case letters and digits)", c)
	}
	f.BillingManager = m.userID("billing_manager", false)
	f.Approvers = d.userIDs(m, "approvers")
	f.Viewers = d.userIDs(m, "viewers")
	f.DefaultItem = m.str("default_item", false)
	f.UnapprovedAlertDays = DefaultUnapprovedAlertDays
	if v, ok := m.int("unapproved_alert_days"); ok {
		if v < 0 || v > maxDays {
			m.errorf("unapproved_alert_days", "%d is not a number of days (0–%d)", v, maxDays)
		} else {
			f.UnapprovedAlertDays = int(v)
		}
	}
	d.nudges(f, m)
	d.ledgerWrite(f, m)
	f.ReminderDays = m.days("reminder_days", DefaultReminderDays())
	f.EscalationDays = m.days("escalation_days", DefaultEscalationDays())

	f.Schedules = Schedules{DefaultSyncSchedule, DefaultDraftSchedule, DefaultCollectionsSchedule, DefaultApprovalsSchedule}
	sn := m.node("schedules")
	if sn == nil {
		return
	}
	s := d.fields(sn, m.field("schedules"), scheduleKeys...)
	for _, job := range []struct {
		key string
		dst *string
	}{{JobSync, &f.Schedules.Sync}, {JobDraft, &f.Schedules.Draft}, {JobCollections, &f.Schedules.Collections}, {JobApprovals, &f.Schedules.Approvals}} {
		key, dst := job.key, job.dst
		spec, ok := s.scalar(key)
		if !ok {
			continue
		}
		spec = strings.TrimSpace(spec)
		if err := checkCron(spec); err != nil {
			s.errorf(key, "%q is not a cron schedule (minute hour day-of-month month day-of-week): %v", spec, err)
			continue
		}
		*dst = spec
	}
}

// currency reads an ISO 4217 code, or def when absent.
func (f *fields) currency(key string, def money.Currency) money.Currency {
	s := f.str(key, false)
	if s == "" {
		return def
	}
	c, err := money.ParseCurrency(s)
	if err != nil || !knownCurrency(c) {
		f.errorf(key, "unknown currency %q (want an ISO 4217 code such as USD or CAD)", s)
		return def
	}
	return c
}

// clients parses the clients list.
func (d *decoder) clients(f *Firm, top *fields) {
	items, _ := top.list("clients")
	byFold := map[string]string{} // case-folded name → path of its first use
	for i, n := range items {
		path := index("clients", i)
		m := d.fields(n, path, clientKeys...)
		c := billing.Client{Name: m.str("name", true)}
		if c.Name != "" {
			once(m, byFold, strings.ToLower(c.Name), path, "name", fmt.Sprintf("client name %q", c.Name))
		}
		if v, ok, _ := m.sourceID(f, "source_client_id", "harvest_client_id", "client"); ok {
			c.SourceClientID = v
		}
		c.LedgerCustomerID = m.ledgerCustomer(f)
		c.Currency = m.currency("currency", f.HomeCurrency)
		c.Email = m.str("email", false)
		if c.Email != "" && !checkEmail(c.Email) {
			m.errorf("email", "%q is not an email address (it needs an @)", c.Email)
		}
		c.Mode = m.mode("mode", clientModes, f.Mode)
		f.Clients = append(f.Clients, c)
	}
}

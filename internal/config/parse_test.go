package config

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// edit returns base with one occurrence of old replaced by new; old must
// occur exactly once so a drifting fixture fails loudly.
func edit(t *testing.T, base, old, new string) string {
	t.Helper()
	if n := strings.Count(base, old); n != 1 {
		t.Fatalf("fixture: %q occurs %d times in base.yml, want 1", old, n)
	}
	return strings.Replace(base, old, new, 1)
}

func TestParseFirmBase(t *testing.T) {
	t.Parallel()
	if _, err := ParseFirm("firm.yml", readTestdata(t, "base.yml")); err != nil {
		t.Fatalf("base.yml must be valid: %v", err)
	}
}

// TestParseFirmRejects has one case per rule: each edits the valid
// testdata/base.yml and expects exactly one error at that line and field.
func TestParseFirmRejects(t *testing.T) {
	t.Parallel()
	base := string(readTestdata(t, "base.yml"))
	tests := []struct {
		name     string
		old, new string // replace old with new in base.yml; old "" appends new
		src      string // when set, the whole file instead of an edit of base.yml
		line     int
		field    string
		msg      string // a fragment of the message
	}{
		// YAML itself.
		{"invalid YAML", "  timezone: America/New_York", "  timezone: [America", "", 3, "", "invalid YAML: did not find expected ',' or ']'"},
		{"mapping value in plain text", "  name: Example CPA", "  name: Example: CPA", "", 2, "", "invalid YAML: mapping values are not allowed"},
		{"bad indentation", "    currency: USD", "   currency: USD", "", 13, "", "invalid YAML: did not find expected '-' indicator"},
		{"tab indentation", "    currency: USD", "\tcurrency: USD", "", 13, "", "invalid YAML"},
		{"control character", "Example CPA", "Example\x01CPA", "", 2, "", "invalid YAML: control characters"},
		{"second document", "", "---\nfirm: {}\n", "", 40, "", "only one document"},
		{"root is a list", "", "", "- firm: {}\n", 1, "", "want a mapping"},
		{"duplicate key", "  name: Example CPA", "  name: Example CPA\n  name: Other CPA", "", 3, "firm.name", "duplicate key (first set on line 2)"},

		// Unknown keys at every level.
		{"unknown top-level key", "", "extra: 1\n", "", 40, "extra", "unknown key"},
		{"unknown firm key", "  home_currency: USD", "  home_curency: USD", "", 4, "firm.home_curency", "unknown key"},
		{"unknown schedule", "    sync:", "    synch:", "", 11, "firm.schedules.synch", "unknown key"},
		{"unknown client key", "    currency: USD", "    curency: USD", "", 14, "clients[0].curency", "unknown key"},
		{"unknown engagement key", "    cycle: monthly", "    cycles: monthly", "", 27, "engagements[0].cycles", "unknown key"},
		{"unknown retainer key", `amount: "6000.00"}`, `amount: "6000.00", rollover: true}`, "", 39, "engagements[1].retainer.rollover", "unknown key"},

		// Decimals: money, hours, percent.
		{"bad rate", `Bookkeeping: "95.00"`, `Bookkeeping: "95.0.0"`, "", 31, "engagements[0].rates.Bookkeeping", `"95.0.0" is not a decimal amount`},
		{"float-looking rate", `Bookkeeping: "95.00"`, `Bookkeeping: 9.5e1`, "", 31, "engagements[0].rates.Bookkeeping", `"9.5e1" is not a decimal amount`},
		{"negative rate", `"*": "195.00"`, `"*": "-195.00"`, "", 30, `engagements[0].rates["*"]`, "must not be negative"},
		{"too many decimals for CAD", `amount: "6000.00"`, `amount: "6000.005"`, "", 39, "engagements[1].retainer.amount", "more decimal places than CAD allows (2)"},
		{"rate is a list", `Bookkeeping: "95.00"`, `Bookkeeping: ["95.00"]`, "", 31, "engagements[0].rates.Bookkeeping", "want a decimal string"},
		{"bad hours", `hours: "40"`, `hours: "forty"`, "", 39, "engagements[1].retainer.hours", `"forty" is not a decimal number of hours`},
		{"bad percent", "    terms_days: 30", "    terms_days: 30\n    discount_percent: \"ten\"", "", 29, "engagements[0].discount_percent", `"ten" is not a decimal percentage`},
		{"percent over 100", "    terms_days: 30", "    terms_days: 30\n    discount_percent: \"150\"", "", 29, "engagements[0].discount_percent", "between 0 and 100"},

		// Dates.
		{"bad date", "    starts_on: 2026-01-01\n    ends_on", "    starts_on: 2026-02-30\n    ends_on", "", 23, "engagements[0].starts_on", `"2026-02-30" is not a date`},
		{"date with time", "    ends_on: 2026-12-31", "    ends_on: 2026-12-31T10:00:00Z", "", 24, "engagements[0].ends_on", "is not a date"},
		{"ends before starts", "    ends_on: 2026-12-31", "    ends_on: 2025-12-31", "", 24, "engagements[0].ends_on", "2025-12-31 is before starts_on 2026-01-01"},

		// Zones, currencies, kinds, cycles, terms.
		{"unknown time zone", "America/New_York", "Mars/Olympus_Mons", "", 3, "firm.timezone", `unknown time zone "Mars/Olympus_Mons"`},
		{"Local is not a zone", "America/New_York", "Local", "", 3, "firm.timezone", "not an IANA time zone"},
		{"unknown home currency", "  home_currency: USD", "  home_currency: XYZ", "", 4, "firm.home_currency", `unknown currency "XYZ"`},
		{"unknown client currency", "    currency: USD", "    currency: USS", "", 14, "clients[0].currency", `unknown currency "USS"`},
		{"malformed currency", "    currency: CAD", "    currency: C$", "", 17, "clients[1].currency", "unknown currency"},
		{"unknown kind", "    kind: hourly", "    kind: hourlyy", "", 22, "engagements[0].kind", `unknown kind "hourlyy"`},
		{"unknown cycle", "    cycle: monthly", "    cycle: quarterly", "", 27, "engagements[0].cycle", `unknown cycle "quarterly"`},
		{"negative terms", "    terms_days: 30", "    terms_days: -5", "", 28, "engagements[0].terms_days", "-5 is not a number of days"},
		{"fractional terms", "    terms_days: 30", "    terms_days: 30.5", "", 28, "engagements[0].terms_days", `"30.5" is not a whole number`},

		// References and uniqueness.
		{"missing client", "    client: Acme Corp", "    client: Acme Inc", "", 20, "engagements[0].client", `no client named "Acme Inc"`},
		{"client differs in case", "    client: Acme Corp", "    client: acme corp", "", 20, "engagements[0].client", `did you mean "Acme Corp"?`},
		{"duplicate client name", "    currency: CAD\n", "    currency: CAD\n  - name: Acme Corp\n", "", 18, "clients[2].name", `duplicate client name "Acme Corp" (also clients[0])`},
		{"duplicate client name in other case", "    currency: CAD\n", "    currency: CAD\n  - name: ACME CORP\n", "", 18, "clients[2].name", "duplicate client name"},
		{"duplicate engagement key", "  - key: maple-retainer", "  - key: acme-2026", "", 32, "engagements[1].key", `duplicate engagement key "acme-2026" (also engagements[0])`},
		{"bad engagement key", "  - key: maple-retainer", "  - key: maple retainer", "", 32, "engagements[1].key", "is not a key"},
		{"overlapping project", "    harvest_project_id: 200", "    harvest_project_id: 100", "", 34, "engagements[1].harvest_project_id", `project 100 is also billed by engagement "acme-2026" (engagements[0]) over overlapping dates`},
		{"open-ended overlaps later", "", "  - key: acme-2027\n    client: Acme Corp\n    harvest_project_id: 200\n    kind: hourly\n    starts_on: 2027-01-01\n    partner: U0PARTNER1\n    rates: {\"*\": \"1\"}\n", "", 42, "engagements[2].harvest_project_id", "overlapping dates"},

		// Kind-specific terms.
		{"retainer without block", "    retainer: {hours: \"40\", amount: \"6000.00\"}\n", "", "", 32, "engagements[1].retainer", "required for a retainer engagement"},
		{"retainer zero hours", `hours: "40"`, `hours: "0"`, "", 39, "engagements[1].retainer.hours", "more than zero hours"},
		{"retainer zero amount", `amount: "6000.00"`, `amount: "0.00"`, "", 39, "engagements[1].retainer.amount", "must be more than zero"},
		{"retainer missing amount", `, amount: "6000.00"}`, `}`, "", 39, "engagements[1].retainer.amount", "required"},
		{"fixed fee missing", "    kind: hourly", "    kind: fixed_fee", "", 19, "engagements[0].fixed_fee", "required for a fixed_fee engagement"},
		{"fixed fee zero", "    kind: hourly", "    kind: fixed_fee\n    fixed_fee: \"0.00\"", "", 23, "engagements[0].fixed_fee", "required for a fixed_fee engagement"},
		{"mixed without fee", "    kind: hourly", "    kind: mixed", "", 19, "engagements[0].fixed_fee", "required for a mixed engagement"},
		{"hourly without rates", "    rates:\n      \"*\": \"195.00\"\n      Bookkeeping: \"95.00\"\n", "", "", 19, "engagements[0].rates", "required for a hourly engagement"},
		{"empty rates", `rates: {"*": "150.00"}`, `rates: {}`, "", 38, "engagements[1].rates", "required for a retainer engagement"},

		// Schedules and days.
		{"cron with four fields", `sync: "*/15 * * * *"`, `sync: "*/15 * * *"`, "", 11, "firm.schedules.sync", "is not a cron schedule"},
		{"cron out of range", `sync: "*/15 * * * *"`, `sync: "61 * * * *"`, "", 11, "firm.schedules.sync", "is not a cron schedule"},
		{"cron with seconds", `sync: "*/15 * * * *"`, `sync: "0 */15 * * * *"`, "", 11, "firm.schedules.sync", "is not a cron schedule"},
		{"cron zone without spec", `sync: "*/15 * * * *"`, `sync: "TZ=Europe/London"`, "", 11, "firm.schedules.sync", "is not a cron schedule"},
		{"cron empty", `sync: "*/15 * * * *"`, `sync: ""`, "", 11, "firm.schedules.sync", "is not a cron schedule"},
		{"reminder day zero", "  reminder_days: [25]", "  reminder_days: [25, 0]", "", 8, "firm.reminder_days[1]", "not a positive number of days"},
		{"escalation day negative", "  escalation_days: [35]", "  escalation_days: [-3]", "", 9, "firm.escalation_days[0]", "not a positive number of days"},
		{"reminder days not a list", "  reminder_days: [25]", "  reminder_days: 25", "", 8, "firm.reminder_days", "want a list"},

		// Slack ids and email.
		{"channel name instead of id", "C0BILLING", "\"#billing\"", "", 5, "firm.billing_channel", "is not a Slack channel id"},
		{"lower-case user id", "U0BILLMGR", "u0billmgr", "", 6, "firm.billing_manager", "is not a Slack user id"},
		{"approver handle", "[U0PARTNER1]", "[U0PARTNER1, \"@bob\"]", "", 7, "firm.approvers[1]", `"@bob" is not a Slack user id`},
		{"viewer handle", "  approvers: [U0PARTNER1]\n", "  approvers: [U0PARTNER1]\n  viewers: [U0AUDIT1, \"@carol\"]\n", "", 8, "firm.viewers[1]", `"@carol" is not a Slack user id`},
		{"viewers not a list", "  approvers: [U0PARTNER1]\n", "  approvers: [U0PARTNER1]\n  viewers: U0AUDIT1\n", "", 8, "firm.viewers", "want a list"},
		{"channel as partner", "    partner: U0PARTNER1\n    manager", "    partner: C0PARTNER1\n    manager", "", 25, "engagements[0].partner", "is not a Slack user id"},
		{"manager with punctuation", "U0MANAGER1", "U0-MANAGER", "", 26, "engagements[0].manager", "is not a Slack user id"},
		{"email without @", "ap@acme.example", "ap.acme.example", "", 15, "clients[0].email", "is not an email address"},

		// Required fields and shapes.
		{"firm name missing", "  name: Example CPA\n", "", "", 2, "firm.name", "required"},
		{"partner missing", "    partner: U0PARTNER1\n    rates: {", "    rates: {", "", 32, "engagements[1].partner", "required"},
		{"project id missing", "    harvest_project_id: 200\n", "", "", 32, "engagements[1].harvest_project_id", "required"},
		{"project id not a number", "    harvest_project_id: 200", "    harvest_project_id: abc", "", 34, "engagements[1].harvest_project_id", `"abc" is not a whole number`},
		{"project id zero", "    harvest_project_id: 200", "    harvest_project_id: 0", "", 34, "engagements[1].harvest_project_id", "not a Harvest project id"},
		{"client id negative", "  - name: Maple Ltd", "  - name: Maple Ltd\n    harvest_client_id: -4", "", 17, "clients[1].harvest_client_id", "not a Harvest client id"},
		{"clients not a list", "", "", "firm:\n  name: X\nclients: Acme Corp\n", 3, "clients", "want a list"},
		{"engagement not a mapping", "engagements:\n", "engagements:\n  - just text\n", "", 19, "engagements[0]", "want a mapping"},
		{"firm block missing", "firm:\n  name: Example CPA\n  timezone: America/New_York\n  home_currency: USD\n  billing_channel: C0BILLING\n  billing_manager: U0BILLMGR\n  approvers: [U0PARTNER1]\n  reminder_days: [25]\n  escalation_days: [35]\n  schedules:\n    sync: \"*/15 * * * *\"\n", "", "", 1, "firm", "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := tt.src
			switch {
			case src != "":
			case tt.old == "":
				src = base + tt.new
			default:
				src = edit(t, base, tt.old, tt.new)
			}
			_, err := ParseFirm("firm.yml", []byte(src))
			if err == nil {
				t.Fatalf("ParseFirm succeeded, want an error at line %d field %q", tt.line, tt.field)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %q is not a *config.Error", err, err)
			}
			if errs := Errors(err); len(errs) != 1 {
				t.Fatalf("got %d errors, want 1:\n%v", len(errs), err)
			}
			prefix := "firm.yml:" + strconv.Itoa(tt.line) + ": "
			if tt.field != "" {
				prefix += tt.field + ": "
			}
			if msg := err.Error(); !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, tt.msg) {
				t.Errorf("error = %q\nwant prefix %q containing %q", msg, prefix, tt.msg)
			}
			if e.File != "firm.yml" || e.Line != tt.line || e.Field != tt.field {
				t.Errorf("Error{File: %q, Line: %d, Field: %q}, want {firm.yml, %d, %q}", e.File, e.Line, e.Field, tt.line, tt.field)
			}
		})
	}
}

func TestParseFirmExampleMessage(t *testing.T) {
	t.Parallel()
	src := edit(t, string(readTestdata(t, "base.yml")), `Bookkeeping: "95.00"`, `Bookkeeping: "95.0.0"`)
	_, err := ParseFirm("firm.yml", []byte(src))
	want := `firm.yml:31: engagements[0].rates.Bookkeeping: "95.0.0" is not a decimal amount`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}

func TestParseFirmSeveralErrors(t *testing.T) {
	t.Parallel()
	src := string(readTestdata(t, "base.yml"))
	src = edit(t, src, "    kind: hourly", "    kind: hourlyy")
	src = edit(t, src, "  home_currency: USD", "  home_currency: XYZ")
	src = edit(t, src, "    currency: CAD", "    curency: CAD")
	_, err := ParseFirm("firm.yml", []byte(src))
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %T is not an ErrorList: %v", err, err)
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{"firm.yml:4: firm.home_currency:", "firm.yml:17: clients[1].curency:", "firm.yml:22: engagements[0].kind:"}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
}

func TestParseFirmEmpty(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"", "\n\n", "# only a comment\n", "---\n", "~\n"} {
		_, err := ParseFirm("firm.yml", []byte(src))
		if err == nil || !strings.HasPrefix(err.Error(), "firm.yml:1: firm: required") {
			t.Errorf("ParseFirm(%q) error = %v, want firm.yml:1: firm: required", src, err)
		}
	}
}

func TestParseFirmNotUTF8(t *testing.T) {
	t.Parallel()
	_, err := ParseFirm("firm.yml", []byte("firm:\n  name: \xff\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "firm.yml:2: invalid YAML: not UTF-8") {
		t.Errorf("error = %v", err)
	}
}

// TestSequentialEngagementsShareProject: one engagement ending before the
// next starts may reuse the Harvest project.
func TestSequentialEngagementsShareProject(t *testing.T) {
	t.Parallel()
	src := string(readTestdata(t, "base.yml")) + "  - key: acme-2027\n    client: Acme Corp\n    harvest_project_id: 100\n    kind: hourly\n    starts_on: 2027-01-01\n    partner: U0PARTNER1\n    rates: {\"*\": \"200.00\"}\n"
	f, err := ParseFirm("firm.yml", []byte(src))
	if err != nil {
		t.Fatalf("ParseFirm: %v", err)
	}
	if len(f.Engagements) != 3 {
		t.Errorf("got %d engagements, want 3", len(f.Engagements))
	}
}

// TestAliases: anchors and aliases are resolved like any other value.
func TestAliases(t *testing.T) {
	t.Parallel()
	src := edit(t, string(readTestdata(t, "base.yml")), `rates: {"*": "150.00"}`, `rates: {"*": &std "150.00", Review: *std}`)
	f, err := ParseFirm("firm.yml", []byte(src))
	if err != nil {
		t.Fatalf("ParseFirm: %v", err)
	}
	if got := f.Engagements[1].Rates["Review"]; got != 15000 {
		t.Errorf("Review rate = %d, want 15000", got)
	}
}

func TestParseFirmViewers(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/roundtrip.yml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFirm("roundtrip.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"U0AUDITOR", "W0READER"}, f.Viewers); diff != "" {
		t.Errorf("viewers (-want +got):\n%s", diff)
	}
	out, err := Export(f)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "viewers: [U0AUDITOR, W0READER]") {
		t.Errorf("export lacks the viewers:\n%s", out)
	}
}

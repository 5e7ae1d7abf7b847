package config

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// Slack ids are upper-case letters and digits behind a type prefix: U or W
// for users (W for Enterprise Grid global ids; api.slack.com/methods/migration.exchange,
// api.slack.com/enterprise-grid), C for channels and G for older private
// channels (api.slack.com/types/conversation).
var (
	userIDPattern    = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)
	channelIDPattern = regexp.MustCompile(`^[CG][A-Z0-9]{2,20}$`)
	teamIDPattern    = regexp.MustCompile(`^T[A-Z0-9]{2,20}$`)
	appIDPattern     = regexp.MustCompile(`^A[A-Z0-9]{2,20}$`)
	keyPattern       = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

// maxDays bounds every day count so date arithmetic cannot overflow.
const maxDays = 3660

// decimal reports the text of a decimal value node. Quoted ("195.00") and
// plain (195.00) scalars both work: the text is parsed digit by digit, never
// through a float.
func (d *decoder) decimal(n *yaml.Node, field string) (string, bool) {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.add(n.Line, field, "want a decimal string such as \"195.00\", got %s", describe(n))
		return "", false
	}
	return n.Value, true
}

// amount parses a non-negative money amount in cur.
func (d *decoder) amount(n *yaml.Node, field string, cur money.Currency) (money.Amount, bool) {
	s, ok := d.decimal(n, field)
	if !ok {
		return 0, false
	}
	a, err := money.Parse(s, cur)
	switch {
	case errors.Is(err, money.ErrPrecision):
		d.add(n.Line, field, "%q has more decimal places than %s allows (%d)", s, cur, cur.Exponent())
	case errors.Is(err, money.ErrRange):
		d.add(n.Line, field, "%q is too large", s)
	case err != nil:
		d.add(n.Line, field, "%q is not a decimal amount", s)
	case a < 0:
		d.add(n.Line, field, "%q must not be negative", s)
	default:
		return a, true
	}
	return 0, false
}

// hours parses a positive number of hours.
func (d *decoder) hours(n *yaml.Node, field string) (money.Hours, bool) {
	return d.hoursFrom(n, field, false)
}

// hoursFrom parses a number of hours that is more than zero, or at least
// zero when zeroOK.
func (d *decoder) hoursFrom(n *yaml.Node, field string, zeroOK bool) (money.Hours, bool) {
	s, ok := d.decimal(n, field)
	if !ok {
		return 0, false
	}
	h, err := money.ParseHours(s)
	switch {
	case errors.Is(err, money.ErrPrecision):
		d.add(n.Line, field, "%q has more than 4 decimal places", s)
	case err != nil:
		d.add(n.Line, field, "%q is not a decimal number of hours", s)
	case h < 0 && zeroOK:
		d.add(n.Line, field, "%q must not be negative", s)
	case h <= 0 && !zeroOK:
		d.add(n.Line, field, "%q must be more than zero hours", s)
	default:
		return h, true
	}
	return 0, false
}

// percent parses a percentage between 0 and 100.
func (d *decoder) percent(n *yaml.Node, field string) (money.Percent, bool) {
	s, ok := d.decimal(n, field)
	if !ok {
		return 0, false
	}
	p, err := money.ParsePercent(s)
	switch {
	case errors.Is(err, money.ErrPrecision):
		d.add(n.Line, field, "%q has more than 4 decimal places", s)
	case err != nil:
		d.add(n.Line, field, "%q is not a decimal percentage", s)
	case p < 0 || p > 100*money.PercentScale:
		d.add(n.Line, field, "%q must be between 0 and 100", s)
	default:
		return p, true
	}
	return 0, false
}

// date parses a YYYY-MM-DD value; YAML's own timestamp resolution is not
// used, so "2026-1-5" and times of day are rejected.
func (f *fields) date(key string) (billing.Date, bool) {
	s, ok := f.scalar(key)
	if !ok {
		return billing.Date{}, false
	}
	dt, err := billing.ParseDate(strings.TrimSpace(s))
	if err != nil {
		f.errorf(key, "%q is not a date (want YYYY-MM-DD)", s)
		return billing.Date{}, false
	}
	return dt, true
}

// days parses a list of positive day counts, or returns def when absent.
func (f *fields) days(key string, def []int) []int {
	if f.node(key) == nil {
		return def
	}
	items, ok := f.list(key)
	if !ok {
		return def
	}
	var out []int
	for i, it := range items {
		v, ok := intValue(it)
		if !ok || v <= 0 || v > maxDays {
			f.d.add(it.Line, index(f.field(key), i), "%q is not a positive number of days (1–%d)", it.Value, maxDays)
			continue
		}
		out = append(out, int(v))
	}
	return out
}

func intValue(n *yaml.Node) (int64, bool) {
	if n.Kind != yaml.ScalarNode {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSpace(n.Value), 10, 64)
	return v, err == nil
}

// userID reads a Slack user id, or an email address that stands for one
// until it is resolved with users.lookupByEmail.
func (f *fields) userID(key string, required bool) string {
	s := f.str(key, required)
	if s != "" && !isUserRef(s) {
		f.errorf(key, "%q is not a Slack user id (U… or W…, upper-case letters and digits) or an email address", s)
	}
	return s
}

// isUserRef reports whether s is a Slack user id or a single email address.
func isUserRef(s string) bool {
	return userIDPattern.MatchString(s) || IsEmail(s)
}

// IsEmail reports whether s is one email address (text on both sides of an
// '@', no spaces or commas): the form that may stand for a Slack user id.
func IsEmail(s string) bool {
	return !strings.Contains(s, ",") && checkEmail(s)
}

// checkEmail accepts one address or several separated by commas, as QBO's
// BillEmail.Address does; each needs text on both sides of an '@'.
func checkEmail(s string) bool {
	for _, a := range strings.Split(s, ",") {
		a = strings.TrimSpace(a)
		local, domain, ok := strings.Cut(a, "@")
		if !ok || local == "" || domain == "" || strings.ContainsAny(a, " \t<>") {
			return false
		}
	}
	return true
}

// checkCron validates spec with robfig/cron/v3's standard parser, the one
// the scheduler uses. The parser panics on a "TZ=zone" prefix with nothing
// after it (it slices up to the first space), so that case is caught first
// and any other panic is turned into an error.
func checkCron(spec string) (err error) {
	if (strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=")) && !strings.Contains(spec, " ") {
		return errors.New("a time zone prefix must be followed by a schedule")
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cron parser failed: %v", r)
		}
	}()
	_, err = cron.ParseStandard(spec)
	return err
}

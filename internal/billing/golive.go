package billing

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"billbot/internal/money"
)

// Mode is how billbot treats a client's (or, as the default, the firm's)
// billing: live drafts invoices into the ledger, shadow drafts them only to
// compare with what the firm issued itself, off leaves the client alone.
type Mode string

// Modes, as named in the firm configuration. The firm's mode is live or
// shadow; a client's may also be off.
const (
	ModeLive   Mode = "live"
	ModeShadow Mode = "shadow"
	ModeOff    Mode = "off"
)

// Effective returns m, or ModeLive when m is empty (a hand-built client or
// firm without a mode bills as before modes existed).
func (m Mode) Effective() Mode {
	if m == "" {
		return ModeLive
	}
	return m
}

// Staff is one person who records time in Harvest: their staff level names
// the engagement's level rate, their Slack id (or email, until resolved)
// reaches them.
type Staff struct {
	SourceUserID int64
	Name         string // as Harvest shows it
	Level        string // free text, matched to Engagement.LevelRates keys
	Slack        string // Slack user id or email address; empty when none
}

// BillFrom returns the first day whose time engagement e bills: the later of
// the firm's go-live day and the engagement's own bill_from. Time spent
// before it is never billed, held or flagged. Zero: no cut-over.
func BillFrom(f *Firm, e *Engagement) Date {
	if e.BillFrom.After(f.GoLive) {
		return e.BillFrom
	}
	return f.GoLive
}

// Roster finds a person's staff record by Harvest user id or, for sources
// without ids (CSV), by name (case-insensitive).
type Roster struct {
	byID   map[int64]*Staff
	byName map[string]*Staff
}

// NewRoster indexes staff; the first record of a duplicated id or name wins.
func NewRoster(staff []Staff) *Roster {
	r := &Roster{byID: make(map[int64]*Staff, len(staff)), byName: make(map[string]*Staff, len(staff))}
	for i := range staff {
		s := &staff[i]
		if _, dup := r.byID[s.SourceUserID]; !dup && s.SourceUserID != 0 {
			r.byID[s.SourceUserID] = s
		}
		if k := clientKey(s.Name); k != "" {
			if _, dup := r.byName[k]; !dup {
				r.byName[k] = s
			}
		}
	}
	return r
}

// Person returns the staff record of a Harvest user: by id when userID is
// not zero, else by name.
func (r *Roster) Person(userID int64, name string) (Staff, bool) {
	if r == nil {
		return Staff{}, false
	}
	var s *Staff
	if userID != 0 {
		s = r.byID[userID]
	} else {
		s = r.byName[clientKey(name)]
	}
	if s == nil {
		return Staff{}, false
	}
	return *s, true
}

// RateFor returns the rate engagement e's letter sets for time a person
// (Harvest user userID, named user) spends on task, and whether it sets
// one. The most specific rate wins:
//
//  1. PersonRates keyed by the Harvest user id (decimal), then by the
//     user's name (case-insensitive);
//  2. LevelRates keyed by the person's staff level (Staff.Level, found in
//     roster by user id, else by name);
//  3. Rates keyed by the Harvest task name;
//  4. Rates["*"] (DefaultRateKey).
//
// The draft bills this rate and the rate check (ExRateMismatch) compares
// Harvest's billable rate with it. roster may be nil.
func RateFor(e *Engagement, roster *Roster, userID int64, user, task string) (money.Amount, bool) {
	if r, ok := personRate(e, roster, userID, user); ok {
		return r, true
	}
	return taskRate(e, task)
}

// personRate is steps 1 and 2 of RateFor.
func personRate(e *Engagement, roster *Roster, userID int64, user string) (money.Amount, bool) {
	if len(e.PersonRates) > 0 {
		if userID != 0 {
			if r, ok := e.PersonRates[strconv.FormatInt(userID, 10)]; ok {
				return r, true
			}
		}
		if r, ok := e.PersonRates[user]; ok && user != "" {
			return r, true
		}
		if user != "" {
			for _, k := range slices.Sorted(maps.Keys(e.PersonRates)) {
				if strings.EqualFold(strings.TrimSpace(k), strings.TrimSpace(user)) {
					return e.PersonRates[k], true
				}
			}
		}
	}
	if len(e.LevelRates) > 0 {
		if s, ok := roster.Person(userID, user); ok && s.Level != "" {
			if r, ok := e.LevelRates[s.Level]; ok {
				return r, true
			}
		}
	}
	return 0, false
}

// taskRate is steps 3 and 4 of RateFor.
func taskRate(e *Engagement, task string) (money.Amount, bool) {
	if r, ok := e.Rates[task]; ok {
		return r, true
	}
	r, ok := e.Rates[DefaultRateKey]
	return r, ok
}

// clientModes finds the mode of a client, or of an entry's client when no
// engagement matches it (by Harvest client id, else by name).
type clientModes struct {
	firm   Mode
	byID   map[int64]Mode
	byName map[string]Mode
}

func newClientModes(in *Input) clientModes {
	m := clientModes{firm: in.Firm.Mode.Effective()}
	for i := range in.Clients {
		c := &in.Clients[i]
		mode := m.of(c)
		if mode == m.firm {
			continue // the default needs no entry
		}
		if m.byID == nil {
			m.byID, m.byName = map[int64]Mode{}, map[string]Mode{}
		}
		if c.SourceClientID != 0 {
			m.byID[c.SourceClientID] = mode
		}
		m.byName[clientKey(c.Name)] = mode
	}
	return m
}

// of returns c's mode; nil (a client not configured) has the firm's.
func (m clientModes) of(c *Client) Mode {
	if c == nil || c.Mode == "" {
		return m.firm
	}
	return c.Mode
}

// ofEntry returns the mode of the client an unmatched entry names.
func (m clientModes) ofEntry(t *TimeEntry) Mode {
	if m.byID != nil {
		if mode, ok := m.byID[t.ClientID]; ok && t.ClientID != 0 {
			return mode
		}
		if mode, ok := m.byName[clientKey(t.Client)]; ok {
			return mode
		}
	}
	return m.firm
}

// leftOut reports whether the run ignores t altogether: spent before the
// cut-over (the firm's go_live; for a matched entry, its engagement's
// BillFrom), or of a client whose mode is not the run's.
func (x *engine) leftOut(t *TimeEntry, ei int32, status matchStatus) bool {
	if t.SpentDate.Before(x.in.Firm.GoLive) {
		return true
	}
	if status == matched || status == outside {
		es := &x.engs[ei]
		return es.skip || t.SpentDate.Before(es.from)
	}
	return x.modes.ofEntry(t) != x.runMode
}

// History is the time a cut-over leaves out: billable entries spent before
// go_live or their engagement's bill_from.
type History struct {
	Entries int
	Hours   money.Hours
}

// BeforeCutOver counts the billable entries of entries that f's go_live and
// engs' bill_from leave out (see BillFrom): the history billbot will never
// bill, hold or flag. Entries no engagement covers count against go_live
// alone. doctor and setup report this figure.
func BeforeCutOver(f Firm, engs []Engagement, entries []TimeEntry) History {
	var h History
	var idx *engIndex
	for i := range engs {
		if !engs[i].BillFrom.IsZero() {
			idx = newEngIndex(engs)
			break
		}
	}
	for i := range entries {
		t := &entries[i]
		if !t.Billable {
			continue
		}
		from := f.GoLive
		if idx != nil {
			if ei, status := idx.match(t); status == matched || status == outside {
				from = BillFrom(&f, &engs[ei])
			}
		}
		if t.SpentDate.Before(from) {
			h.Entries++
			h.Hours += t.Hours
		}
	}
	return h
}

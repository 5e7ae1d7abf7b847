package config

import (
	"go.yaml.in/yaml/v3"

	"billbot/internal/billing"
)

// TimeSource is where the firm's time is captured: firm.time_source.
type TimeSource string

// firm.time_source values.
const (
	SourceHarvest        TimeSource = "harvest"
	SourceToggl          TimeSource = "toggl"
	SourceQuickBooksTime TimeSource = "quickbooks_time"
	// DefaultTimeSource is Harvest, billbot's only source before the setting.
	DefaultTimeSource = SourceHarvest
)

// TimeSources lists the firm.time_source values.
var TimeSources = []TimeSource{SourceHarvest, SourceToggl, SourceQuickBooksTime}

// Effective returns s, or Harvest when unset.
func (s TimeSource) Effective() TimeSource {
	if s == "" {
		return DefaultTimeSource
	}
	return s
}

// Label is the source's name as people know it (billing.SourceLabel,
// whose names are the firm.time_source values).
func (s TimeSource) Label() string { return billing.SourceLabel(string(s.Effective())) }

// ProjectKey is the key an engagement names its project under in a file
// for this source: harvest_project_id for Harvest, whose files have always
// said so, else source_project_id.
func (s TimeSource) ProjectKey() string {
	if s.Effective() == SourceHarvest {
		return "harvest_project_id"
	}
	return "source_project_id"
}

// UserKey is ProjectKey for a person's id (firm.staff).
func (s TimeSource) UserKey() string {
	if s.Effective() == SourceHarvest {
		return "harvest_user_id"
	}
	return "source_user_id"
}

// ClientKey is ProjectKey for a client's id.
func (s TimeSource) ClientKey() string {
	if s.Effective() == SourceHarvest {
		return "harvest_client_id"
	}
	return "source_client_id"
}

// TogglApproval says which Toggl Track time counts as approved:
// firm.toggl.approval.
type TogglApproval string

// firm.toggl.approval values.
const (
	// TogglTimesheets follows the workspace's timesheet approvals: time in
	// an approved timesheet is approved (Toggl's Premium and Enterprise
	// plans).
	TogglTimesheets TogglApproval = "timesheets"
	// TogglLockedPeriods counts time on or before the workspace's lock date
	// as approved, for workspaces that close periods instead of approving.
	TogglLockedPeriods TogglApproval = "locked_periods"
	// TogglAll counts every stopped entry as approved: the firm reviews
	// time in Toggl before each cycle closes.
	TogglAll TogglApproval = "all"
	// DefaultTogglApproval is timesheets.
	DefaultTogglApproval = TogglTimesheets
)

// Effective returns a, or timesheets when unset.
func (a TogglApproval) Effective() TogglApproval {
	if a == "" {
		return DefaultTogglApproval
	}
	return a
}

// Ledger is where the firm's invoices are kept: firm.ledger.
type Ledger string

// firm.ledger values.
const (
	LedgerQuickBooks Ledger = "quickbooks"
	LedgerXero       Ledger = "xero"
	// DefaultLedger is QuickBooks Online.
	DefaultLedger = LedgerQuickBooks
)

// Effective returns l, or QuickBooks when unset.
func (l Ledger) Effective() Ledger {
	if l == "" {
		return DefaultLedger
	}
	return l
}

var (
	timeSources    = []string{string(SourceHarvest), string(SourceToggl), string(SourceQuickBooksTime)}
	togglApprovals = []string{string(TogglTimesheets), string(TogglLockedPeriods), string(TogglAll)}
	ledgers        = []string{string(LedgerQuickBooks), string(LedgerXero)}
	togglKeys      = []string{"approval"}
)

// sources reads firm.time_source, firm.toggl and firm.ledger.
func (d *decoder) sources(f *Firm, m *fields) {
	f.TimeSource = TimeSource(oneOf(m, "time_source", false, timeSources, "", "harvest, toggl or quickbooks_time"))
	if n := m.node("toggl"); n != nil {
		t := d.fields(n, m.field("toggl"), togglKeys...)
		if f.TimeSource.Effective() != SourceToggl && !t.bad {
			m.errorf("toggl", "only for firm.time_source toggl (the firm's time source is %s)", f.TimeSource.Effective())
		}
		f.TogglApproval = TogglApproval(oneOf(t, "approval", false, togglApprovals, "", "timesheets, locked_periods or all"))
	}
	f.Ledger = Ledger(oneOf(m, "ledger", false, ledgers, "", "quickbooks or xero"))
}

// CustomerKey is the key a client names its customer (contact) in the
// ledger under: qbo_customer_id for QuickBooks, whose files have always
// said so, else ledger_customer_id.
func (l Ledger) CustomerKey() string {
	if l.Effective() == LedgerQuickBooks {
		return "qbo_customer_id"
	}
	return "ledger_customer_id"
}

// Label is the ledger's name as people know it.
func (l Ledger) Label() string {
	if l.Effective() == LedgerXero {
		return "Xero"
	}
	return "QuickBooks"
}

// ledgerCustomer reads a client's customer id in the ledger:
// ledger_customer_id for any ledger, qbo_customer_id (the older name) for
// QuickBooks firms only.
func (f *fields) ledgerCustomer(firm *Firm) string {
	_, hasKey := f.vals["ledger_customer_id"]
	_, hasQBO := f.vals["qbo_customer_id"]
	switch {
	case hasKey && hasQBO:
		f.errorf("qbo_customer_id", "give ledger_customer_id or qbo_customer_id, not both")
		return ""
	case hasQBO && firm.Ledger.Effective() != LedgerQuickBooks:
		f.errorf("qbo_customer_id", "names a QuickBooks customer, but firm.ledger is %s: use ledger_customer_id (the %s contact's id)", firm.Ledger, firm.Ledger.Label())
		return ""
	case hasQBO:
		return f.str("qbo_customer_id", false)
	}
	return f.str("ledger_customer_id", false)
}

// sourceID reads a client's or an engagement's id in the firm's time source:
// key names it for any source ("source_project_id"); harvestKey
// ("harvest_project_id") is the older name, valid for Harvest firms only.
// ok is false when neither is given or the value is not a positive id;
// used is the key read.
func (f *fields) sourceID(firm *Firm, key, harvestKey, what string) (id int64, ok bool, used string) {
	_, hasKey := f.vals[key]
	_, hasHarvest := f.vals[harvestKey]
	switch {
	case hasKey && hasHarvest:
		f.errorf(harvestKey, "give %s or %s, not both", key, harvestKey)
		return 0, false, harvestKey
	case hasHarvest && firm.TimeSource.Effective() != SourceHarvest:
		f.errorf(harvestKey, "names a Harvest %s, but firm.time_source is %s: use %s", what, firm.TimeSource, key)
		return 0, false, harvestKey
	case hasHarvest:
		key = harvestKey
	}
	v, ok := f.int(key)
	if ok && v <= 0 {
		f.errorf(key, "%d is not a %s %s id (a positive number)", v, firm.TimeSource.Label(), what)
		return 0, false, key
	}
	return v, ok, key
}

// exportSources writes firm.time_source, firm.toggl and firm.ledger when
// they are not the defaults.
func exportSources(m *yaml.Node, f *Firm) {
	if f.TimeSource.Effective() != DefaultTimeSource {
		put(m, "time_source", str(string(f.TimeSource)))
	}
	if f.TimeSource == SourceToggl && f.TogglApproval.Effective() != DefaultTogglApproval {
		t := &yaml.Node{Kind: yaml.MappingNode}
		put(t, "approval", str(string(f.TogglApproval)))
		put(m, "toggl", t)
	}
	if f.Ledger.Effective() != DefaultLedger {
		put(m, "ledger", str(string(f.Ledger)))
	}
}

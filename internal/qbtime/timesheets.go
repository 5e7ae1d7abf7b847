package qbtime

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// Source is the billing.TimeEntry.Source of QuickBooks Time timesheets.
// Ids are per vendor: a Harvest entry with the same number is another
// entry.
const Source = "quickbooks_time"

// Jobcodes are jobcodes by id: enough of the tree to place a timesheet.
type Jobcodes map[int64]Jobcode

// Place finds where jobcode id sits in billbot's terms. QuickBooks Time
// has no separate clients, projects and tasks: they are levels of one
// jobcode tree (tsheetsteam.github.io/api_docs/ "The Jobcode Object":
// parent_id is 0 at the top; a jobcode with children is "a container or
// folder"). billbot reads the top level as the customer (Client), the
// second level as the project an engagement names, and anything deeper as
// the task, its names below the project joined by " / ". Time recorded
// on a customer itself is that customer's project too; time on a project
// has no task. missing is the first ancestor not in j.
func (j Jobcodes) Place(id int64) (customer, project Jobcode, task string, missing int64) {
	var chain []Jobcode // leaf first
	for cur := id; cur != 0; {
		jc, ok := j[cur]
		if !ok {
			return Jobcode{}, Jobcode{}, "", cur
		}
		chain = append(chain, jc)
		if len(chain) > 64 {
			break // a cycle: the API never sends one, a corrupt cache might
		}
		cur = jc.ParentID
	}
	if len(chain) == 0 {
		return Jobcode{}, Jobcode{}, "", 0
	}
	customer = chain[len(chain)-1]
	project = customer
	if len(chain) >= 2 {
		project = chain[len(chain)-2]
	}
	if len(chain) > 2 {
		names := make([]string, 0, len(chain)-2)
		for i := len(chain) - 3; i >= 0; i-- {
			names = append(names, chain[i].Name)
		}
		task = strings.Join(names, " / ")
	}
	return customer, project, task, 0
}

// HoursOf turns a duration in seconds, what QuickBooks Time records
// (tsheetsteam.github.io/api_docs/ "The Timesheet Object": "The total
// number of seconds recorded"), into billbot's hours of 1/10000 h,
// rounding half up: a whole number of seconds divisible by 9 (every
// multiple of 36 s) is exact, any other is within 0.18 s.
func HoursOf(seconds int64) money.Hours {
	n := seconds * money.HoursScale
	if n >= 0 {
		return money.Hours((n + 1800) / 3600)
	}
	return -money.Hours((-n + 1800) / 3600)
}

// Billing maps the timesheet into billbot's terms, given the jobcodes it
// sits under, its user and the currency of its customer.
//
//   - ProjectID and ClientID are the project and customer jobcode ids
//     (Place); Task is the path below the project.
//   - Hours come from Duration; Rate is 0: timesheets carry no billing
//     rate, so the engagement letter's rate applies.
//   - Billable is the timesheet's own jobcode's billable flag (a pto or
//     break jobcode is never billable).
//   - Running is on_the_clock.
//   - Approved: the timesheet's date is on or before the user's
//     approved_to (tsheetsteam.github.io/api_docs/ "The User Object";
//     "Running Payroll": use entries "where the user's time has been
//     approved"). QuickBooks Time records no approval time, so ApprovedAt
//     is left zero here; the syncer sets it (see syncRun.pull).
func (t Timesheet) Billing(jobs Jobcodes, user User, cur money.Currency) (billing.TimeEntry, error) {
	date, err := billing.ParseDate(t.Date)
	if err != nil {
		return billing.TimeEntry{}, fmt.Errorf("qbtime: timesheet %d: date: %w", t.ID, err)
	}
	if t.Duration < 0 {
		return billing.TimeEntry{}, fmt.Errorf("qbtime: timesheet %d: negative duration %d", t.ID, t.Duration)
	}
	customer, project, task, missing := jobs.Place(t.JobcodeID)
	if missing != 0 {
		return billing.TimeEntry{}, fmt.Errorf("qbtime: timesheet %d: jobcode %d is unknown", t.ID, missing)
	}
	leaf := jobs[t.JobcodeID]
	approvedTo := user.ApprovedThrough()
	return billing.TimeEntry{
		Source:     Source,
		ExternalID: strconv.FormatInt(t.ID, 10),
		ProjectID:  project.ID,
		Project:    project.Name,
		ClientID:   customer.ID,
		Client:     customer.Name,
		Task:       task,
		UserID:     t.UserID,
		User:       user.Name(),
		SpentDate:  date,
		Hours:      HoursOf(t.Duration),
		Currency:   cur,
		Notes:      t.Notes,
		Billable:   leaf.Billable && (leaf.Type == "" || leaf.Type == "regular"),
		Running:    t.OnTheClock,
		Approved:   !approvedTo.IsZero() && !date.After(approvedTo),
	}, nil
}

// later is the later of two instants.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

package csvimport

import (
	"fmt"
	"slices"
	"strings"
)

// Column names of Harvest's detailed time report export, matched
// case-insensitively in any order. The header reported for that export
// (docs/vendors.md §3.4, after Harvest's help article "Detailed time and
// detailed expense reports") is: Date, Client, Project, Project Code, Task,
// Notes, Hours, Hours Rounded, Billable?, Invoiced?, Approved?, First Name,
// Last Name, Roles, Employee?, Billable Rate, Billable Amount, Cost Rate,
// Cost Amount, Currency, External Reference URL. Variants add Employee Id
// or Teams, and drop Approved? when approvals are off. That export carries
// no approval time; a file that adds one (edited, or another tool's export)
// names it as in approvedAtCols.
const (
	colDate         = "date"
	colClient       = "client"
	colProject      = "project"
	colProjectCode  = "project code"
	colTask         = "task"
	colNotes        = "notes"
	colHours        = "hours"
	colHoursRounded = "hours rounded"
	colBillable     = "billable?"
	colInvoiced     = "invoiced?"
	colApproved     = "approved?"
	colFirstName    = "first name"
	colLastName     = "last name"
	colBillableRate = "billable rate"
	colCurrency     = "currency"
)

// approvedAtCols are the names an approval-time column goes by; the first
// present is used.
var approvedAtCols = []string{"approved at", "approved on", "approved date", "approval date", "date approved"}

// required are the columns without which a file is not a time report.
// Hours may be given as Hours or Hours Rounded.
var required = []string{colDate, colClient, colProject, colTask, colBillable, colBillableRate, colFirstName, colLastName}

// header maps lower-cased column names to their positions.
type header struct {
	pos   map[string]int
	names []string // as written in the file
	at    columnsAt
}

// columnsAt are the positions of the columns a row is read from, -1 for
// an absent one, looked up once per file rather than once per row.
type columnsAt struct {
	date, client, project, projectCode, task, notes, hours, hoursRounded, billable,
	invoiced, approved, firstName, lastName, billableRate, currency, approvedAt int
}

func (h *header) locate() {
	at := func(col string) int {
		if i, ok := h.pos[col]; ok {
			return i
		}
		return -1
	}
	h.at = columnsAt{
		date: at(colDate), client: at(colClient), project: at(colProject), projectCode: at(colProjectCode),
		task: at(colTask), notes: at(colNotes), hours: at(colHours), hoursRounded: at(colHoursRounded),
		billable: at(colBillable), invoiced: at(colInvoiced), approved: at(colApproved), firstName: at(colFirstName),
		lastName: at(colLastName), billableRate: at(colBillableRate), currency: at(colCurrency), approvedAt: -1,
	}
	if c := h.approvedAtCol(); c != "" {
		h.at.approvedAt = h.pos[c]
	}
}

// field returns the trimmed value at position i of rec, "" when i is -1.
func field(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

func parseHeader(rec []string) (header, error) {
	h := header{pos: map[string]int{}, names: slices.Clone(rec)}
	for i, name := range rec {
		key := strings.ToLower(strings.TrimSpace(name))
		if i == 0 {
			key = strings.TrimPrefix(key, "\ufeff")
		}
		if key == "" {
			continue
		}
		if _, dup := h.pos[key]; dup {
			return header{}, fmt.Errorf("column %q appears twice", strings.TrimSpace(name))
		}
		h.pos[key] = i
	}
	var missing []string
	for _, c := range required {
		if _, ok := h.pos[c]; !ok {
			missing = append(missing, c)
		}
	}
	if !h.has(colHours) && !h.has(colHoursRounded) {
		missing = append(missing, "hours (or hours rounded)")
	}
	if len(missing) > 0 {
		return header{}, fmt.Errorf("not a Harvest detailed time report: missing column(s) %s", strings.Join(missing, ", "))
	}
	h.locate()
	return h, nil
}

// approvedAtCol returns the file's approval-time column, "" when it has none.
func (h header) approvedAtCol() string {
	for _, c := range approvedAtCols {
		if h.has(c) {
			return c
		}
	}
	return ""
}

func (h header) has(col string) bool {
	_, ok := h.pos[col]
	return ok
}

// get returns the trimmed value of col in rec, "" when the column is absent.
func (h header) get(rec []string, col string) string {
	i, ok := h.pos[col]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// display is the column's name as the file spells it, for error messages.
func (h header) display(col string) string {
	if i, ok := h.pos[col]; ok {
		return strings.TrimPrefix(strings.TrimSpace(h.names[i]), "\ufeff")
	}
	return col
}

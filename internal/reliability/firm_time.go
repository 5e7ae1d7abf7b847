package reliability

import (
	"fmt"
	"strings"
	"time"

	"billbot/internal/billing"
	"billbot/internal/harvest/harvestsandbox"
	"billbot/internal/money"
)

// ConfigYAML is the firm configuration as the firm knows it on asOf: the
// letters signed by then, an earlier letter ending the day before its
// successor starts.
func (f *Firm) ConfigYAML(asOf billing.Date) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `firm:
  name: Simulated CPAs
  timezone: America/New_York
  home_currency: USD
  billing_channel: "%s"
  billing_manager: %s
  approvers: [%s]
  default_item: Professional Services
  unapproved_alert_days: 7
  reminder_days: [25]
  escalation_days: [35]
clients:
`, f.billingChannel(), BillingManager, f.Partners[0])
	for _, c := range f.Clients {
		fmt.Fprintf(&b, "  - name: %q\n    harvest_client_id: %d\n    currency: %s\n    email: %s\n", c.Name, c.HarvestID, c.Currency, c.Email())
	}
	b.WriteString("engagements:\n")
	for _, c := range f.Clients {
		for i, l := range c.Letters {
			if l.Known.After(asOf) {
				continue
			}
			ends := l.Ends
			if i+1 < len(c.Letters) && !c.Letters[i+1].Known.After(asOf) {
				ends = c.Letters[i+1].Starts.AddDays(-1)
			}
			fmt.Fprintf(&b, "  - key: %s\n    client: %q\n    harvest_project_id: %d\n    kind: %s\n    starts_on: %s\n    ends_on: %s\n    partner: %s\n    manager: %s\n    cycle: monthly\n    terms_days: 30\n",
				l.Key, c.Name, c.Project, c.Kind, l.Starts, ends, c.Partner, c.Manager)
			if c.Kind != billing.FixedFee {
				fmt.Fprintf(&b, "    rates: { \"*\": %q", c.rate(l, 0).Format(c.Currency))
				for t := range c.tasks() {
					fmt.Fprintf(&b, ", %q: %q", simTasks[t].Name, c.rate(l, t).Format(c.Currency))
				}
				b.WriteString(" }\n")
			}
			b.WriteString("    task_items: {")
			for t, task := range simTasks {
				if t > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, " %q: %q", task.Name, task.Item)
			}
			b.WriteString(" }\n")
			switch c.Kind {
			case billing.FixedFee:
				b.WriteString("    fixed_fee: \"3500.00\"\n")
			case billing.Mixed:
				b.WriteString("    fixed_fee: \"1000.00\"\n")
			case billing.Retainer:
				b.WriteString("    retainer: { hours: \"30\", amount: \"5400.00\" }\n")
			}
			if c.Discount {
				b.WriteString("    discount_percent: \"10\"\n")
			}
		}
	}
	return []byte(b.String())
}

// MonthEntries generates month's time for every client with a letter
// covering part of it, approved at the month's end. With Lifecycle, some
// entries are left unapproved (late lists them, to approve after the
// cycle closed) and an ended engagement gets one stray entry.
func (f *Firm) MonthEntries(month billing.Period) (entries []harvestsandbox.Entry, late []int64) {
	approvedAt := month.End.Time(time.UTC).Add(20 * time.Hour)
	for ci, c := range f.Clients {
		days := workdays(c, month)
		if len(days) == 0 {
			if stray := f.stray(c, month); stray != nil {
				entries = append(entries, *stray)
			}
			continue
		}
		target := money.Hours(f.Spec.HoursMin+f.rng.IntN(f.Spec.HoursMax-f.Spec.HoursMin+1)) * money.HoursScale
		if c.Kind == billing.Retainer {
			// 70–95 % of the 30-hour block: retainer clients buy what they use.
			target = money.Hours(21+f.rng.IntN(8)) * money.HoursScale
		}
		var total money.Hours
		for total < target {
			day := days[f.rng.IntN(len(days))]
			l, _ := c.letterOn(day)
			task := f.rng.IntN(c.tasks())
			hours := money.Hours((2 + f.rng.IntN(11)) * 2500) // 0.5–3.0 h in quarter hours
			entries = append(entries, f.entry(c, day, task, hours, c.rate(l, task), approvedAt, true))
			total += hours
		}
		if f.Spec.Lifecycle && ci%11 == 0 {
			day := days[len(days)-1]
			l, _ := c.letterOn(day)
			e := f.entry(c, day, 0, money.MustHours("1.25"), c.rate(l, 0), time.Time{}, false)
			entries = append(entries, e)
			late = append(late, e.ID)
		}
	}
	return entries, late
}

// stray is the entry logged on an engagement after its letter ended (once,
// in the month after).
func (f *Firm) stray(c Client, month billing.Period) *harvestsandbox.Entry {
	last := c.Letters[len(c.Letters)-1]
	if !last.StrayAfterEnds || !month.Start.After(last.Ends) || month.Start.After(last.Ends.AddDays(1)) {
		return nil
	}
	e := f.entry(c, month.Start.AddDays(4), 1, money.MustHours("0.75"), c.rate(last, 1), month.End.Time(time.UTC).Add(20*time.Hour), true)
	return &e
}

func (f *Firm) entry(c Client, day billing.Date, task int, hours money.Hours, rate money.Amount, approvedAt time.Time, approved bool) harvestsandbox.Entry {
	f.nextEntry++
	created := day.Time(time.UTC).Add(18 * time.Hour)
	updated := created
	if approved {
		updated = approvedAt
	}
	return harvestsandbox.Entry{
		ID: f.nextEntry, SpentDate: day, UserID: int64(7000 + f.rng.IntN(f.Spec.Staff)), ClientID: c.HarvestID,
		ProjectID: c.Project, TaskID: int64(9000 + task), Hours: hours, RoundedHours: hours,
		Notes: simTasks[task].Name + " work", IsClosed: approved, Billable: true, BillableRate: rate,
		CreatedAt: created, UpdatedAt: updated,
	}
}

// workdays are month's weekdays covered by one of c's letters.
func workdays(c Client, month billing.Period) []billing.Date {
	var out []billing.Date
	for d := month.Start; !d.After(month.End); d = d.AddDays(1) {
		if wd := d.Time(time.UTC).Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		if _, ok := c.letterOn(d); ok {
			out = append(out, d)
		}
	}
	return out
}

// Month returns the calendar month of year y, month m.
func Month(y int, m time.Month) billing.Period {
	start := billing.DateOf(time.Date(y, m, 1, 0, 0, 0, 0, time.UTC))
	end := billing.DateOf(time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC))
	return billing.Period{Start: start, End: end}
}

func (f *Firm) billingChannel() string {
	if f.Spec.DMDrafts {
		return ""
	}
	return BillingChannel
}

package invoicedetail

import (
	"html"
	"html/template"
	"strconv"
	"strings"
)

// rows renders the table body: each line, then its entries. It is built
// here rather than in the template because an invoice can carry thousands
// of entries and html/template's per-field reflection is what would cost
// (BenchmarkDetailPage2000); every value goes through html.EscapeString,
// in text or in a double-quoted attribute, which is all it appears in.
func rows(d Detail) template.HTML {
	var b strings.Builder
	b.Grow(400 * (len(d.Lines) + d.EntryCount()))
	cur := d.Currency
	td := func(class, label, v string) {
		b.WriteString(`<td`)
		if class != "" {
			b.WriteString(` class="` + class + `"`)
		}
		if label != "" {
			b.WriteString(` data-label="` + label + `"`)
		}
		b.WriteString(`>`)
		b.WriteString(html.EscapeString(v))
		b.WriteString(`</td>`)
	}
	for _, l := range d.Lines {
		no := strconv.Itoa(l.No)
		b.WriteString(`<tr class="line" data-line="` + no + `"><td colspan="5">` + no + ". " + html.EscapeString(l.Description))
		if l.WrittenDown() {
			b.WriteString(` <span class="wd">written down from ` + html.EscapeString(l.Original.Display(cur)) + ": " + html.EscapeString(l.WriteDownReason) + `</span>`)
		}
		b.WriteString(`</td>`)
		td("n", "Hours", l.Qty.String())
		td("n", "Rate", l.UnitPrice.Display(cur))
		td("n amount", "Amount", l.Amount.Display(cur))
		b.WriteString("</tr>\n")
		for _, e := range l.Entries {
			b.WriteString(`<tr class="entry" data-line="` + no + `" data-harvest="` + html.EscapeString(e.SourceID) + `">`)
			td("", "", e.Date.String())
			td("", "Staff", e.Staff)
			td("", "Task", e.Task)
			td("", "Notes", e.Notes)
			td("", e.SourceName()+" id", e.SourceID)
			td("n hours", "Hours", e.Hours.String())
			td("n", "Rate", e.Rate.Display(cur))
			b.WriteString("<td></td></tr>\n")
		}
	}
	return template.HTML(b.String()) //nolint:gosec // every value above is escaped
}

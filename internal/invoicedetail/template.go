package invoicedetail

import (
	"html/template"
	"net/url"

	"billbot/internal/money"
)

type pageData struct {
	Detail
	CSS     template.CSS
	CSVLink string
	Rows    template.HTML // the lines and entries, see rows
}

func encodeValues(v url.Values) string { return v.Encode() }

const pageCSS = `body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;padding:12px;max-width:1100px;color:#222}
h1{font-size:1.3em;margin:.2em 0}.meta{color:#555}.disputed{background:#fff3cd;border:1px solid #e0b000;padding:8px;margin:8px 0}
table{border-collapse:collapse;width:100%;margin:12px 0}th,td{padding:4px 6px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;white-space:nowrap}tr.line td{background:#f3f5f8;font-weight:600}tr.entry td:first-child{padding-left:18px}
.wd{color:#a33;font-weight:normal}tfoot td{font-weight:600}
@media (max-width:640px){thead{display:none}table,tbody,tfoot,tr,td{display:block;width:auto}tr{border-bottom:1px solid #ccc;padding:4px 0}
td{border:0;padding:1px 4px}td.n{text-align:left}td[data-label]::before{content:attr(data-label) ": ";color:#777;font-weight:normal}}`

var pageFuncs = template.FuncMap{
	"amount": func(a money.Amount, c money.Currency) string { return a.Display(c) },
}

var pageTmpl = template.Must(template.New("page").Funcs(pageFuncs).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>Invoice {{.Number}} — {{.Client}}</title>
<style>{{.CSS}}</style></head>
<body>
<h1>Invoice <span id="number">{{.Number}}</span> — {{.Client}}</h1>
<p class="meta">{{.State}}{{if not .Period.Start.IsZero}} · {{.Period.Start}} to {{.Period.End}}{{end}}{{if not .DueDate.IsZero}} · due {{.DueDate}}{{end}} · <a href="{{.CSVLink}}" id="csv">Download CSV</a></p>
{{range .Disputes}}{{if .Open}}<p class="disputed" id="dispute">Disputed since {{$.FormatTime .OpenedAt}} by {{.OpenedBy}}: {{.Reason}}</p>{{end}}{{end}}
<table id="lines">
<thead><tr><th>Line / date</th><th>Staff</th><th>Task</th><th>Notes</th><th>{{.SourceName}} id</th><th class="n">Hours</th><th class="n">Rate</th><th class="n">Amount</th></tr></thead>
<tbody>
{{.Rows}}</tbody>
<tfoot>
<tr><td colspan="7">Subtotal</td><td class="n" id="subtotal">{{amount .Subtotal .Currency}}</td></tr>
{{if .Discount}}<tr><td colspan="7">Discount</td><td class="n" id="discount">{{amount .Discount .Currency}}</td></tr>{{end}}
{{if .Credit}}<tr><td colspan="7">Retainer credit</td><td class="n" id="credit">{{amount .Credit .Currency}}</td></tr>{{end}}
<tr><td colspan="5">Total · <span id="entries">{{.EntryCount}}</span> entries</td><td class="n" id="hours">{{.Hours}}</td><td></td><td class="n" id="total">{{amount .Total .Currency}}</td></tr>
</tfoot></table>
{{if .Edits}}<h2>Edits and write-downs</h2><table id="edits"><thead><tr><th>When</th><th>Who</th><th class="n">Total before</th><th class="n">After</th><th>Reason</th></tr></thead><tbody>
{{range .Edits}}<tr class="edit"><td>{{$.FormatTime .At}}</td><td data-label="Who">{{.Actor}}</td><td class="n" data-label="Before">{{amount .TotalBefore $.Currency}}</td><td class="n" data-label="After">{{amount .TotalAfter $.Currency}}</td><td data-label="Reason">{{.Reason}}</td></tr>
{{end}}</tbody></table>{{end}}
{{if .Disputes}}<h2>Disputes</h2><table id="disputes"><thead><tr><th>Opened</th><th>By</th><th>Reason</th><th>Outcome</th></tr></thead><tbody>
{{range .Disputes}}<tr class="dispute"><td>{{$.FormatTime .OpenedAt}}</td><td data-label="By">{{.OpenedBy}}</td><td data-label="Reason">{{.Reason}}</td><td data-label="Outcome">{{if .Open}}open{{else}}{{.Outcome}} {{$.FormatTime .ResolvedAt}} by {{.ResolvedBy}}{{with .Resolution}}: {{.}}{{end}}{{end}}</td></tr>
{{end}}</tbody></table>{{end}}
</body></html>
`))

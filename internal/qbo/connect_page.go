package qbo

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"time"
)

// confirmCSP allows the page nothing but its inline style and a form
// posting back to billbot; no framing (clickjacking the button).
const confirmCSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// confirmTmpl is the page a valid link shows: what will happen, and a
// button that POSTs the link. The form has no action, so it posts to the
// page's own address (whatever prefix a proxy adds).
var confirmTmpl = template.Must(template.New("confirm").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Connect billbot to {{.V.Name}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}</style>
</head>
<body>
<h1>Connect billbot to a {{.V.Name}} {{.V.Org}}</h1>
{{if .AllowSwitch}}<p>This link <strong>may switch {{.V.Orgs}}</strong>: the {{.V.Org}} you choose at {{.V.SignIn}} replaces the one billbot is connected to, if it is another.</p>
{{else}}<p>This link connects billbot to the firm's {{.V.Name}} {{.V.Org}}, or reconnects the same {{.V.Org}}. It may not switch billbot to another {{.V.Org}}.</p>
{{end}}<p>Continue takes you to {{.V.SignIn}} to sign in and choose the {{.V.Org}}. The link works once, for this browser, until {{.Expires}} UTC.</p>
<form method="post">
<input type="hidden" name="t" value="{{.Token}}">
<button type="submit">Continue to {{.V.Name}}</button>
</form>
</body>
</html>
`))

// confirmPage answers GET ?t=…: 200 and the confirmation page for a valid
// link, 403 otherwise. It consumes nothing and sets no cookie.
func (f *ConnectFlow) confirmPage(w http.ResponseWriter, r *http.Request) {
	t := r.URL.Query().Get("t")
	if t == "" {
		f.reply(w, r, http.StatusForbidden, "This page opens only from a one-time link."+f.startAgain(), nil)
		return
	}
	link, err := f.Links.PeekLink(r.Context(), HashSecret(t), f.now())
	if errors.Is(err, ErrLinkInvalid) {
		f.reply(w, r, http.StatusForbidden, f.linkInvalid(), nil)
		return
	}
	if err != nil {
		f.reply(w, r, http.StatusInternalServerError, "Could not check the connect link. Check the database and try again.", err)
		return
	}
	var buf bytes.Buffer
	err = confirmTmpl.Execute(&buf, struct {
		V           Vendor
		AllowSwitch bool
		Expires     string
		Token       string
	}{f.vendor(), link.AllowSwitch, link.ExpiresAt.UTC().Format(time.DateTime[:16]), t})
	if err != nil {
		f.reply(w, r, http.StatusInternalServerError, "Could not show the connect page.", err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", confirmCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

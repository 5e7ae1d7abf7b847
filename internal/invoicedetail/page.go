package invoicedetail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"regexp"
)

// Source finds an invoice's detail by number; it returns an error wrapping
// ErrNotFound when there is no such invoice.
type Source interface {
	InvoiceDetail(ctx context.Context, number string) (Detail, error)
}

// ErrNotFound is an invoice number that names no invoice.
var ErrNotFound = errors.New("no such invoice")

// Handler serves GET /invoices/{number}?exp=…&sig=…[&format=csv]: the
// detail page, or its CSV with the same signature. A link that was
// tampered with or has expired gets 403 before anything is read.
func Handler(src Source, s *Signer, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		number := r.PathValue("number")
		q := r.URL.Query()
		if err := s.Verify(number, q.Get("exp"), q.Get("sig")); err != nil {
			http.Error(w, "This invoice link is invalid or has expired. Ask billing for a fresh one (billbot invoice show NUMBER).", http.StatusForbidden)
			return
		}
		d, err := src.InvoiceDetail(r.Context(), number)
		if errors.Is(err, ErrNotFound) {
			http.Error(w, "No such invoice.", http.StatusNotFound)
			return
		}
		if err != nil {
			logger.ErrorContext(r.Context(), "invoice detail page", "invoice", number, "error", err)
			http.Error(w, "Something went wrong reading this invoice.", http.StatusInternalServerError)
			return
		}
		var buf bytes.Buffer
		switch q.Get("format") {
		case "csv":
			err = WriteCSV(&buf, d)
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="invoice-`+fileSafe(d.Number)+`.csv"`)
		case "", "html":
			err = pageTmpl.Execute(&buf, pageData{Detail: d, CSS: template.CSS(pageCSS), CSVLink: r.URL.Path + "?" + csvQuery(q), Rows: rows(d)})
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		default:
			http.Error(w, "format is html or csv.", http.StatusBadRequest)
			return
		}
		if err != nil {
			logger.ErrorContext(r.Context(), "render invoice detail", "invoice", number, "error", err)
			http.Error(w, "Something went wrong rendering this invoice.", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(buf.Bytes())
	})
}

func csvQuery(q map[string][]string) string {
	v := make(map[string][]string, 3)
	v["exp"], v["sig"], v["format"] = q["exp"], q["sig"], []string{"csv"}
	return encodeValues(v)
}

var unsafeFile = regexp.MustCompile(`[^A-Za-z0-9._-]`)

func fileSafe(s string) string { return unsafeFile.ReplaceAllString(s, "_") }

// styleHash allows exactly the page's inline stylesheet and nothing else.
var styleHash = func() string {
	sum := sha256.Sum256([]byte(pageCSS))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// securityHeaders: no scripts, no external anything, no referrer leaking the
// signed URL, no caching of client data.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; style-src "+styleHash+"; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
}

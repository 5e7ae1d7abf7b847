package qbosandbox

import (
	"encoding/json"
	"math/big"
	"net/http"
	"sort"
	"strings"
)

// fieldValue reads a (dotted) field as text; a reference yields its value.
func fieldValue(d doc, field string) (string, bool) {
	parts := strings.Split(field, ".")
	var cur json.RawMessage
	m := map[string]json.RawMessage(d)
	for i, name := range parts {
		var ok bool
		cur, ok = lookupFold(m, name)
		if !ok {
			return "", false
		}
		if i < len(parts)-1 {
			m = nil
			if json.Unmarshal(cur, &m) != nil {
				return "", false
			}
		}
	}
	var s string
	if json.Unmarshal(cur, &s) == nil {
		return s, true
	}
	var ref struct {
		Value *string `json:"value"`
	}
	if json.Unmarshal(cur, &ref) == nil && ref.Value != nil {
		return *ref.Value, true
	}
	return strings.TrimSpace(string(cur)), true
}

func lookupFold(m map[string]json.RawMessage, name string) (json.RawMessage, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

func compare(a, b string) int {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	if ok1 && ok2 {
		return x.Cmp(y)
	}
	return strings.Compare(a, b)
}

func (c cond) match(d doc) bool {
	v, ok := fieldValue(d, c.field)
	if !ok {
		return false
	}
	switch c.op {
	case "IN":
		for _, w := range c.values {
			if v == w {
				return true
			}
		}
		return false
	case "LIKE":
		pat := c.values[0]
		pre, suf := strings.HasSuffix(pat, "%"), strings.HasPrefix(pat, "%")
		core := strings.Trim(pat, "%")
		switch {
		case pre && suf:
			return strings.Contains(v, core)
		case pre:
			return strings.HasPrefix(v, core)
		case suf:
			return strings.HasSuffix(v, core)
		}
		return v == core
	}
	r := compare(v, c.values[0])
	switch c.op {
	case "=":
		return r == 0
	case "<":
		return r < 0
	case ">":
		return r > 0
	case "<=":
		return r <= 0
	case ">=":
		return r >= 0
	}
	return false
}

// query is GET /query?query=...: {"QueryResponse":{"Customer":[...],
// "startPosition":1,"maxResults":n},"time":...}; an empty page is
// {"QueryResponse":{}}.
func (s *Server) query(q string) result {
	res := s.runQuery(q)
	if res.fault != nil {
		return *res.fault
	}
	return result{status: http.StatusOK, body: map[string]any{"QueryResponse": res.page}}
}

type queryOutcome struct {
	page  map[string]any
	fault *result
}

func (s *Server) runQuery(q string) queryOutcome {
	p, err := parseQuery(q)
	if err != nil {
		f := faultResult(http.StatusBadRequest, "ValidationFault", "4000", "Error parsing query", "QueryParserError: "+err.Error())
		return queryOutcome{fault: &f}
	}
	var rows []doc
	for _, r := range s.tbl(p.entity).sorted(false) {
		ok := true
		for _, c := range p.conds {
			if !c.match(r.doc) {
				ok = false
				break
			}
		}
		if ok {
			rows = append(rows, r.doc)
		}
	}
	if p.count {
		return queryOutcome{page: map[string]any{"totalCount": len(rows)}}
	}
	if p.orderBy != "" {
		sort.SliceStable(rows, func(i, j int) bool {
			a, _ := fieldValue(rows[i], p.orderBy)
			b, _ := fieldValue(rows[j], p.orderBy)
			if p.desc {
				return compare(a, b) > 0
			}
			return compare(a, b) < 0
		})
	}
	from := p.start - 1
	if from > len(rows) {
		from = len(rows)
	}
	to := min(from+p.max, len(rows))
	page := rows[from:to]
	if len(page) == 0 {
		return queryOutcome{page: map[string]any{}}
	}
	return queryOutcome{page: map[string]any{p.entity: page, "startPosition": p.start, "maxResults": len(page)}}
}

package qbosandbox

import (
	"fmt"
	"strconv"
	"strings"
)

// The query language subset billbot uses (docs/vendors.md §2.6,
// learn/explore-the-quickbooks-online-api/data-queries):
//
//	SELECT * FROM Entity [WHERE f op v [AND ...]] [ORDERBY f [ASC|DESC]]
//	  [STARTPOSITION n] [MAXRESULTS m]
//
// with op one of = < > <= >= IN LIKE, strings in single quotes with \'
// escapes, STARTPOSITION 1-based, MAXRESULTS at most 1000 (default 100).

type cond struct {
	field, op string
	values    []string
}

type parsedQuery struct {
	entity     string
	conds      []cond
	orderBy    string
	desc       bool
	start, max int
	count      bool
}

type token struct {
	text string
	str  bool // a quoted string literal
}

func lex(q string) ([]token, error) {
	var out []token
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			var b strings.Builder
			i++
			for {
				if i >= len(q) {
					return nil, fmt.Errorf("unterminated string")
				}
				if q[i] == '\\' && i+1 < len(q) {
					b.WriteByte(q[i+1])
					i += 2
					continue
				}
				if q[i] == '\'' {
					i++
					break
				}
				b.WriteByte(q[i])
				i++
			}
			out = append(out, token{text: b.String(), str: true})
		case strings.ContainsRune("(),", rune(c)):
			out = append(out, token{text: string(c)})
			i++
		case c == '<' || c == '>' || c == '=' || c == '!':
			j := i + 1
			if j < len(q) && (q[j] == '=' || q[j] == '>') {
				j++
			}
			out = append(out, token{text: q[i:j]})
			i = j
		default:
			j := i
			for j < len(q) && !strings.ContainsRune(" \t\r\n'(),<>=!", rune(q[j])) {
				j++
			}
			out = append(out, token{text: q[i:j]})
			i = j
		}
	}
	return out, nil
}

func parseQuery(q string) (parsedQuery, error) {
	toks, err := lex(q)
	if err != nil {
		return parsedQuery{}, err
	}
	p := parsedQuery{start: 1, max: 100}
	i := 0
	kw := func(w string) bool {
		if i < len(toks) && !toks[i].str && strings.EqualFold(toks[i].text, w) {
			i++
			return true
		}
		return false
	}
	next := func() (token, error) {
		if i >= len(toks) {
			return token{}, fmt.Errorf("unexpected end of query")
		}
		i++
		return toks[i-1], nil
	}
	if !kw("SELECT") {
		return p, fmt.Errorf("expected SELECT")
	}
	switch {
	case kw("*"):
	case kw("COUNT"):
		if !kw("(") || !kw("*") || !kw(")") {
			return p, fmt.Errorf("expected COUNT(*)")
		}
		p.count = true
	default:
		return p, fmt.Errorf("only SELECT * and COUNT(*) are supported")
	}
	if !kw("FROM") {
		return p, fmt.Errorf("expected FROM")
	}
	t, err := next()
	if err != nil {
		return p, err
	}
	p.entity = entityName(t.text)
	if kw("WHERE") {
		for {
			f, err := next()
			if err != nil {
				return p, err
			}
			op, err := next()
			if err != nil {
				return p, err
			}
			c := cond{field: f.text, op: strings.ToUpper(op.text)}
			if c.op == "IN" {
				if !kw("(") {
					return p, fmt.Errorf("expected ( after IN")
				}
				for {
					v, err := next()
					if err != nil {
						return p, err
					}
					c.values = append(c.values, v.text)
					if kw(")") {
						break
					}
					if !kw(",") {
						return p, fmt.Errorf("expected , in IN list")
					}
				}
			} else {
				switch c.op {
				case "=", "<", ">", "<=", ">=", "LIKE":
				default:
					return p, fmt.Errorf("unsupported operator %q", op.text)
				}
				v, err := next()
				if err != nil {
					return p, err
				}
				c.values = []string{v.text}
			}
			p.conds = append(p.conds, c)
			if !kw("AND") {
				break
			}
		}
	}
	if kw("ORDERBY") || (kw("ORDER") && kw("BY")) {
		f, err := next()
		if err != nil {
			return p, err
		}
		p.orderBy = f.text
		if kw("DESC") {
			p.desc = true
		} else {
			kw("ASC")
		}
	}
	for i < len(toks) {
		switch {
		case kw("STARTPOSITION"):
			t, err := next()
			if err != nil {
				return p, err
			}
			if p.start, err = strconv.Atoi(t.text); err != nil || p.start < 1 {
				return p, fmt.Errorf("bad STARTPOSITION %q", t.text)
			}
		case kw("MAXRESULTS"):
			t, err := next()
			if err != nil {
				return p, err
			}
			if p.max, err = strconv.Atoi(t.text); err != nil || p.max < 1 || p.max > 1000 {
				return p, fmt.Errorf("bad MAXRESULTS %q (1 to 1000)", t.text)
			}
		default:
			return p, fmt.Errorf("unexpected %q", toks[i].text)
		}
	}
	return p, nil
}

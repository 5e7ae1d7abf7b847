package setup

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"billbot/internal/billing"
	"billbot/internal/config"
)

// pendingMarker starts the comment block of engagements to finish and
// notes; a re-run replaces the block it finds.
const pendingMarker = "--- billbot setup: engagements to finish"

// Result is the written file and what changed against the existing one.
type Result struct {
	YAML      []byte
	Changes   []string // one line each: new, changed, gone
	Decisions int      // decisions listed in the file for new entries
	Kept      int      // clients and engagements kept from the existing file
}

// Render writes the plan as firm YAML. With existing (the current file's
// bytes; nil for a first run) everything already in the file is kept as
// it is, new clients and engagements are added with their decisions, and
// Changes says what setup would now guess differently.
func Render(p *Plan, existing []byte) (Result, error) {
	var res Result
	old, err := parseExisting(existing)
	if err != nil {
		return res, err
	}
	root := mapping()
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}

	firm := p.Firm
	if of := get(old, "firm"); of != nil {
		firm = of
		res.Changes = append(res.Changes, diff("firm", of, p.Firm, true)...)
	} else {
		res.Decisions += len(p.FirmDecisions)
		doc.HeadComment = header(p)
	}
	put(root, "firm", firm)

	clients, names := mergeClients(&res, get(old, "clients"), p.Source, p.Clients)
	put(root, "clients", clients)
	engs, pending := mergeEngagements(&res, get(old, "engagements"), p, names)
	put(root, "engagements", engs)
	if foot := pendingBlock(pending, p.Notes); foot != "" {
		doc.FootComment = foot
	}

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return res, fmt.Errorf("setup: write YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return res, fmt.Errorf("setup: write YAML: %w", err)
	}
	res.YAML = buf.Bytes()
	return res, nil
}

// GoLiveOf returns firm.go_live of an existing file, zero when it has
// none or cannot be read (Render reports an unreadable file).
func GoLiveOf(existing []byte) billing.Date {
	old, err := parseExisting(existing)
	if err != nil || old == nil {
		return billing.Date{}
	}
	v := get(get(old, "firm"), "go_live")
	if v == nil {
		return billing.Date{}
	}
	d, err := billing.ParseDate(strings.TrimSpace(v.Value))
	if err != nil {
		return billing.Date{}
	}
	return d
}

// parseExisting reads the current file, dropping the pending block a
// previous run wrote (it is written afresh).
func parseExisting(b []byte) (*yaml.Node, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("setup: the existing file is not YAML: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("setup: the existing file is not a firm configuration (want a mapping with firm, clients, engagements)")
	}
	dropPending(&doc)
	return doc.Content[0], nil
}

func dropPending(n *yaml.Node) {
	for _, c := range []*string{&n.HeadComment, &n.LineComment, &n.FootComment} {
		if i := strings.Index(*c, pendingMarker); i >= 0 {
			*c = strings.TrimRight((*c)[:max(0, strings.LastIndex((*c)[:i], "\n"))], "\n")
			if !strings.Contains((*c), "#") {
				*c = ""
			}
		}
	}
	for _, k := range n.Content {
		dropPending(k)
	}
}

func header(p *Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Firm configuration written by `billbot setup` from %s, %s and Slack.\n", p.Source.Label(), ledgerProduct(p.Ledger))
	fmt.Fprintf(&b, "Every line starting \"DECIDE:\" is a decision for a person (%d in all); engagements setup\n", p.Decisions())
	fmt.Fprintf(&b, "could not complete are at the end, commented out. Re-running setup with --out this file\n")
	fmt.Fprintf(&b, "keeps what is here and adds what is new in %s.\n\nFirm:\n", p.Source.Label())
	for _, d := range p.FirmDecisions {
		fmt.Fprintf(&b, "DECIDE: %s\n", d)
	}
	b.WriteString("To choose when " + p.Ledger.Label() + " sees a draft, add under firm:\n  ledger_write: at_approval   # or at_draft, the default")
	return b.String()
}

func decisions(ds []string) string {
	var b strings.Builder
	for i, d := range ds {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("DECIDE: " + d)
	}
	return b.String()
}

// idOf reads an integer id field of an existing entry.
func idOf(n *yaml.Node, key string) (int64, bool) {
	v := get(n, key)
	if v == nil || v.Kind != yaml.ScalarNode {
		return 0, false
	}
	id, err := strconv.ParseInt(strings.TrimSpace(v.Value), 10, 64)
	return id, err == nil
}

// sourceIDOf reads a source id written under key, or under the Harvest
// name a Harvest firm's file may use.
func sourceIDOf(n *yaml.Node, key, harvestKey string) (int64, bool) {
	if id, ok := idOf(n, key); ok {
		return id, true
	}
	return idOf(n, harvestKey)
}

func mergeClients(res *Result, old *yaml.Node, source config.TimeSource, fresh []Entry) (*yaml.Node, map[int64]string) {
	src := source.Label()
	out := seq(false)
	names := map[int64]string{}
	taken := map[string]bool{}
	byID := map[int64]Entry{}
	byName := map[string]int64{}
	for _, e := range fresh {
		byID[e.HarvestID] = e
		byName[strings.ToLower(get(e.Node, "name").Value)] = e.HarvestID
	}
	seen := map[int64]bool{}
	if old != nil {
		for _, n := range old.Content {
			out.Content = append(out.Content, n)
			res.Kept++
			name := ""
			if v := get(n, "name"); v != nil {
				name = v.Value
				taken[strings.ToLower(name)] = true
			}
			id, ok := sourceIDOf(n, source.ClientKey(), "harvest_client_id")
			if !ok {
				// A client written by name only is the source's client of
				// that name, as billbot matches it.
				if id, ok = byName[strings.ToLower(name)]; !ok {
					continue
				}
			}
			seen[id], names[id] = true, name
			if e, ok := byID[id]; ok {
				res.Changes = append(res.Changes, diff(e.Label, n, e.Node, false)...)
			} else {
				res.Changes = append(res.Changes, fmt.Sprintf("gone: client %q (%s %d) is archived or has no active project in %s; kept in the file", name, src, id, src))
			}
		}
	}
	for _, e := range fresh {
		if seen[e.HarvestID] {
			continue
		}
		name := get(e.Node, "name")
		if taken[strings.ToLower(name.Value)] {
			name.Value = fmt.Sprintf("%s (%s %d)", name.Value, src, e.HarvestID)
		}
		taken[strings.ToLower(name.Value)] = true
		names[e.HarvestID] = name.Value
		e.Node.HeadComment = decisions(e.Decisions)
		out.Content = append(out.Content, e.Node)
		res.Decisions += len(e.Decisions)
		if old != nil {
			res.Changes = append(res.Changes, fmt.Sprintf("new: %s, %d decision(s)", e.Label, len(e.Decisions)))
		}
	}
	return out, names
}

func mergeEngagements(res *Result, old *yaml.Node, p *Plan, names map[int64]string) (*yaml.Node, []Entry) {
	out := seq(false)
	keys := map[string]bool{}
	byID := map[int64]Entry{}
	for _, e := range slices.Concat(p.Engagements, p.Pending) {
		byID[e.HarvestID] = e
	}
	seen := map[int64]bool{}
	if old != nil {
		for _, n := range old.Content {
			out.Content = append(out.Content, n)
			res.Kept++
			if v := get(n, "key"); v != nil {
				keys[v.Value] = true
			}
			id, ok := sourceIDOf(n, p.Source.ProjectKey(), "harvest_project_id")
			if !ok {
				continue
			}
			seen[id] = true
			if e, ok := byID[id]; ok {
				res.Changes = append(res.Changes, diff(e.Label, n, e.Node, false)...)
			} else {
				res.Changes = append(res.Changes, fmt.Sprintf("gone: engagement for %s project %d: archived or no longer billable in %s; kept in the file", p.Source.Label(), id, p.Source.Label()))
			}
		}
	}
	adopt := func(e Entry) {
		if k := get(e.Node, "key"); keys[k.Value] {
			k.Value = fmt.Sprintf("%s-%d", k.Value, e.HarvestID)
		}
		keys[get(e.Node, "key").Value] = true
		if name, ok := names[e.ClientID]; ok {
			get(e.Node, "client").Value = name
		}
		res.Decisions += len(e.Decisions)
	}
	for _, e := range p.Engagements {
		if seen[e.HarvestID] {
			continue
		}
		adopt(e)
		e.Node.HeadComment = decisions(e.Decisions)
		out.Content = append(out.Content, e.Node)
		if old != nil {
			res.Changes = append(res.Changes, fmt.Sprintf("new: %s, %d decision(s)", e.Label, len(e.Decisions)))
		}
	}
	var pending []Entry
	for _, e := range p.Pending {
		if seen[e.HarvestID] {
			continue
		}
		adopt(e)
		pending = append(pending, e)
		if old != nil {
			res.Changes = append(res.Changes, fmt.Sprintf("new, to finish (commented out): %s, %d decision(s)", e.Label, len(e.Decisions)))
		}
	}
	return out, pending
}

// pendingBlock renders the engagements to finish, commented out, and the
// notes.
func pendingBlock(pending []Entry, notes []string) string {
	if len(pending) == 0 && len(notes) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(pendingMarker + " (fill in, then move under engagements: and uncomment) ---\n")
	for _, e := range pending {
		b.WriteString(decisions(e.Decisions) + "\n")
		item, _ := yaml.Marshal(seq(false, e.Node))
		b.WriteString(strings.TrimRight(string(item), "\n") + "\n")
	}
	for _, n := range notes {
		b.WriteString("NOTE: " + n + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// ledgerProduct is the ledger's product name: QuickBooks Online or Xero.
func ledgerProduct(l config.Ledger) string {
	if l.Effective() == config.LedgerQuickBooks {
		return "QuickBooks Online"
	}
	return l.Label()
}

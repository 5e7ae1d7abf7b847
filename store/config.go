package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"billbot/internal/billing"
	"billbot/internal/money"
)

// SaveConfig stores the firm configuration in one transaction: the raw YAML
// (the source of truth for `config export`), the clients and engagements it
// defines (those no longer listed are removed), and each retainer letter's
// prepaid block as block 1 of its engagement. A client's QBO customer id
// already matched by SetClientQBOCustomer survives a config without one.
func (s *Store) SaveConfig(ctx context.Context, raw []byte, clients []billing.Client, engs []billing.Engagement, actor string) error {
	now := s.clock()
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var before *string
		if _, err := scanRow(tx.Raw("SELECT raw_yaml FROM firm_config WHERE id = 1").Row(), &before); err != nil {
			return fmt.Errorf("read current: %w", err)
		}
		if err := tx.Exec(`INSERT INTO firm_config (id, raw_yaml, updated_at, updated_by) VALUES (1, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET raw_yaml = excluded.raw_yaml, updated_at = excluded.updated_at, updated_by = excluded.updated_by,
			version = firm_config.version + 1`,
			string(raw), s.ts(now), actorOr(actor)).Error; err != nil {
			return fmt.Errorf("write yaml: %w", err)
		}
		if err := s.saveClients(tx, clients); err != nil {
			return err
		}
		if err := s.saveEngagements(tx, engs, now); err != nil {
			return err
		}
		var after any = string(raw)
		var b any
		if before != nil {
			b = *before
		}
		return s.auditChange(tx, actor, "config.save", "config", "firm", "", b, after)
	})
	if err != nil {
		return fmt.Errorf("store: save config: %w", err)
	}
	return nil
}

func actorOr(a string) string {
	if a == "" {
		return SystemActor
	}
	return a
}

func (s *Store) saveClients(tx *gorm.DB, clients []billing.Client) error {
	names := make([]string, 0, len(clients))
	for _, c := range clients {
		err := tx.Exec(`INSERT INTO clients (name, harvest_client_id, qbo_customer_id, currency, email) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET harvest_client_id = excluded.harvest_client_id,
				qbo_customer_id = CASE WHEN excluded.qbo_customer_id <> '' THEN excluded.qbo_customer_id ELSE clients.qbo_customer_id END,
				currency = excluded.currency, email = excluded.email`,
			c.Name, c.SourceClientID, c.LedgerCustomerID, string(c.Currency), c.Email).Error
		if err != nil {
			return fmt.Errorf("client %q: %w", c.Name, err)
		}
		names = append(names, c.Name)
	}
	// Engagements go first (saveEngagements runs after), so only clients
	// still referenced by a listed engagement could block this; those are
	// listed by construction.
	return s.deleteMissing(tx, "clients", "name", names, func() error {
		return tx.Exec("DELETE FROM engagements WHERE client_id IN (SELECT id FROM clients WHERE name NOT IN ?)", nonEmpty(names)).Error
	})
}

// deleteMissing deletes the rows of table whose col is not in keep, after
// running first (which clears rows that reference them).
func (s *Store) deleteMissing(tx *gorm.DB, table, col string, keep []string, first func() error) error {
	if first != nil {
		if err := first(); err != nil {
			return fmt.Errorf("remove unlisted %s: %w", table, err)
		}
	}
	if err := tx.Exec("DELETE FROM "+table+" WHERE "+col+" NOT IN ?", nonEmpty(keep)).Error; err != nil {
		return fmt.Errorf("remove unlisted %s: %w", table, err)
	}
	return nil
}

// nonEmpty guards "NOT IN ?": gorm renders an empty list as (NULL), which
// matches nothing, where "not in the empty list" must match everything.
func nonEmpty(v []string) []string {
	if len(v) == 0 {
		return []string{"\x00"}
	}
	return v
}

func (s *Store) saveEngagements(tx *gorm.DB, engs []billing.Engagement, now time.Time) error {
	ids := map[string]int64{}
	rows, err := tx.Raw("SELECT id, name FROM clients").Rows()
	if err != nil {
		return fmt.Errorf("read clients: %w", err)
	}
	for rows.Next() {
		var (
			id   int64
			name string
		)
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return fmt.Errorf("read clients: %w", err)
		}
		ids[name] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read clients: %w", err)
	}
	keys := make([]string, 0, len(engs))
	for _, e := range engs {
		clientID, ok := ids[e.Client]
		if !ok {
			return fmt.Errorf("engagement %q: unknown client %q", e.Key, e.Client)
		}
		rates, err := jsonText(amountMap(e.Rates))
		if err != nil {
			return fmt.Errorf("engagement %q: %w", e.Key, err)
		}
		items, err := jsonText(stringMap(e.TaskItems))
		if err != nil {
			return fmt.Errorf("engagement %q: %w", e.Key, err)
		}
		var rh, ra any
		var used int64
		if e.Retainer != nil {
			rh, ra, used = int64(e.Retainer.Hours), int64(e.Retainer.Amount), int64(e.Retainer.UsedHours)
		}
		err = tx.Exec(`INSERT INTO engagements (key, client_id, harvest_project_id, kind, starts_on, ends_on, partner, manager,
				cycle, terms_days, rates_json, discount_percent, fixed_fee, retainer_hours, retainer_amount, task_items_json, retainer_used_hours)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET client_id = excluded.client_id, harvest_project_id = excluded.harvest_project_id,
				kind = excluded.kind, starts_on = excluded.starts_on, ends_on = excluded.ends_on, partner = excluded.partner,
				manager = excluded.manager, cycle = excluded.cycle, terms_days = excluded.terms_days, rates_json = excluded.rates_json,
				discount_percent = excluded.discount_percent, fixed_fee = excluded.fixed_fee, retainer_hours = excluded.retainer_hours,
				retainer_amount = excluded.retainer_amount, task_items_json = excluded.task_items_json,
				retainer_used_hours = excluded.retainer_used_hours`,
			e.Key, clientID, e.SourceProjectID, string(e.Kind), date(e.StartsOn), date(e.EndsOn), e.Partner, e.Manager,
			string(e.Cycle), e.TermsDays, rates, int64(e.DiscountPercent), int64(e.FixedFee), rh, ra, items, used).Error
		if err != nil {
			return fmt.Errorf("engagement %q: %w", e.Key, err)
		}
		if e.Retainer != nil {
			if err := s.saveLetterBlock(tx, e.Key, e.Retainer.Hours, e.Retainer.Amount, now); err != nil {
				return fmt.Errorf("engagement %q: %w", e.Key, err)
			}
		}
		keys = append(keys, e.Key)
	}
	return s.deleteMissing(tx, "engagements", "key", keys, nil)
}

func amountMap(m map[string]money.Amount) map[string]money.Amount {
	if m == nil {
		return map[string]money.Amount{}
	}
	return m
}

func stringMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// ConfigVersion returns a number that changes with every change of the
// firm configuration or of a client's QBO customer: a cheap stamp for
// callers that cache the parsed firm; ErrNotFound before any.
func (s *Store) ConfigVersion(ctx context.Context) (int64, error) {
	var v int64
	found, err := scanRow(s.q(ctx).Raw("SELECT version FROM firm_config WHERE id = 1").Row(), &v)
	if err != nil {
		return 0, fmt.Errorf("store: read config version: %w", err)
	}
	if !found {
		return 0, fmt.Errorf("store: read config version: %w", ErrNotFound)
	}
	return v, nil
}

// ConfigYAML returns the raw YAML last saved; ErrNotFound before any.
func (s *Store) ConfigYAML(ctx context.Context) ([]byte, error) {
	var raw string
	found, err := scanRow(s.q(ctx).Raw("SELECT raw_yaml FROM firm_config WHERE id = 1").Row(), &raw)
	if err != nil {
		return nil, fmt.Errorf("store: read config: %w", err)
	}
	if !found {
		return nil, fmt.Errorf("store: read config: %w", ErrNotFound)
	}
	return []byte(raw), nil
}

// Clients returns every client, by name.
func (s *Store) Clients(ctx context.Context) ([]billing.Client, error) {
	rows, err := s.q(ctx).Raw("SELECT name, harvest_client_id, qbo_customer_id, currency, email FROM clients ORDER BY name").Rows()
	if err != nil {
		return nil, fmt.Errorf("store: list clients: %w", err)
	}
	defer rows.Close()
	var out []billing.Client
	for rows.Next() {
		var c billing.Client
		var cur string
		if err := rows.Scan(&c.Name, &c.SourceClientID, &c.LedgerCustomerID, &cur, &c.Email); err != nil {
			return nil, fmt.Errorf("store: scan client: %w", err)
		}
		c.Currency = money.Currency(cur)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list clients: %w", err)
	}
	return out, nil
}

// Engagements returns every engagement, by key.
func (s *Store) Engagements(ctx context.Context) ([]billing.Engagement, error) {
	rows, err := s.q(ctx).Raw(`SELECT e.key, c.name, e.harvest_project_id, e.kind, e.starts_on, e.ends_on, e.partner, e.manager,
			e.cycle, e.terms_days, e.rates_json, e.discount_percent, e.fixed_fee, e.retainer_hours, e.retainer_amount, e.task_items_json,
			e.retainer_used_hours
		FROM engagements e JOIN clients c ON c.id = e.client_id ORDER BY e.key`).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: list engagements: %w", err)
	}
	defer rows.Close()
	var out []billing.Engagement
	for rows.Next() {
		var (
			e                   billing.Engagement
			kind, cycle         string
			starts, ends        dateCol
			rates, items        string
			discount, fixedFee  int64
			retHours, retAmount *int64
			retUsed             int64
		)
		if err := rows.Scan(&e.Key, &e.Client, &e.SourceProjectID, &kind, &starts, &ends, &e.Partner, &e.Manager,
			&cycle, &e.TermsDays, &rates, &discount, &fixedFee, &retHours, &retAmount, &items, &retUsed); err != nil {
			return nil, fmt.Errorf("store: scan engagement: %w", err)
		}
		e.Kind, e.Cycle = billing.Kind(kind), billing.CycleKind(cycle)
		e.StartsOn, e.EndsOn = starts.D, ends.D
		e.DiscountPercent, e.FixedFee = money.Percent(discount), money.Amount(fixedFee)
		if err := fromJSON(rates, &e.Rates); err != nil {
			return nil, err
		}
		if err := fromJSON(items, &e.TaskItems); err != nil {
			return nil, err
		}
		if len(e.Rates) == 0 {
			e.Rates = nil
		}
		if len(e.TaskItems) == 0 {
			e.TaskItems = nil
		}
		if retHours != nil && retAmount != nil {
			e.Retainer = &billing.RetainerTerms{Hours: money.Hours(*retHours), Amount: money.Amount(*retAmount), UsedHours: money.Hours(retUsed)}
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list engagements: %w", err)
	}
	return out, nil
}

// SetClientQBOCustomer records the QBO customer matched to a client.
func (s *Store) SetClientQBOCustomer(ctx context.Context, client, customerID string) error {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var before string
		found, err := scanRow(tx.Raw("SELECT qbo_customer_id FROM clients WHERE name = ?"+s.forUpdate(), client).Row(), &before)
		if err != nil {
			return err
		}
		if !found {
			return ErrNotFound
		}
		if before == customerID {
			return nil
		}
		if err := tx.Exec("UPDATE clients SET qbo_customer_id = ? WHERE name = ?", customerID, client).Error; err != nil {
			return err
		}
		if err := tx.Exec("UPDATE firm_config SET version = version + 1 WHERE id = 1").Error; err != nil {
			return err
		}
		return s.auditChange(tx, SystemActor, "client.qbo_customer", "client", client, "",
			map[string]string{"qbo_customer_id": before}, map[string]string{"qbo_customer_id": customerID})
	})
	if err != nil {
		return fmt.Errorf("store: set QBO customer of client %q: %w", client, err)
	}
	return nil
}

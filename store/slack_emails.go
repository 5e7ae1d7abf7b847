package store

import (
	"context"
	"fmt"
	"strings"
)

// SlackUserEmails returns every cached Slack user id by email address
// (lower-case): the ids users.lookupByEmail gave for the addresses the
// firm configuration names people by.
func (s *Store) SlackUserEmails(ctx context.Context) (map[string]string, error) {
	rows, err := s.q(ctx).Raw("SELECT email, user_id FROM slack_user_emails").Rows()
	if err != nil {
		return nil, fmt.Errorf("store: read Slack user emails: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var email, id string
		if err := rows.Scan(&email, &id); err != nil {
			return nil, fmt.Errorf("store: read Slack user emails: %w", err)
		}
		out[email] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read Slack user emails: %w", err)
	}
	return out, nil
}

// SaveSlackUserEmail caches the Slack user id of an email address (matched
// case-insensitively); a later call for the same address replaces it.
func (s *Store) SaveSlackUserEmail(ctx context.Context, email, userID string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || userID == "" {
		return fmt.Errorf("store: save Slack user email: email and user id are required")
	}
	_, err := s.exec(ctx, `INSERT INTO slack_user_emails (email, user_id, resolved_at) VALUES (?, ?, ?)
		ON CONFLICT (email) DO UPDATE SET user_id = excluded.user_id, resolved_at = excluded.resolved_at`,
		email, userID, s.ts(s.clock()))
	if err != nil {
		return fmt.Errorf("store: save Slack user email: %w", err)
	}
	return nil
}

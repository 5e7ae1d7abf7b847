package slackui

import "billbot/internal/view"

// The view models slackui renders are defined, Slack-free, in internal/view
// (the workflows compute them); these aliases keep their slackui names.
type (
	Draft               = view.Draft
	Line                = view.Line
	DraftsReady         = view.DraftsReady
	CurrencyAmount      = view.CurrencyAmount
	ExceptionGroup      = view.ExceptionGroup
	ExceptionItem       = view.ExceptionItem
	RetainerAlert       = view.RetainerAlert
	Replenishment       = view.Replenishment
	ApprovalDigest      = view.ApprovalDigest
	PersonApprovals     = view.PersonApprovals
	EngagementApprovals = view.EngagementApprovals
	Escalation          = view.Escalation
	KPISection          = view.KPISection
	FirmHealth          = view.FirmHealth
	Status              = view.Status
	StatusCount         = view.StatusCount
	Home                = view.Home
	QBOConnect          = view.QBOConnect
	DraftSummary        = view.DraftSummary
	AgingSummary        = view.AgingSummary
	DisputedInvoice     = view.DisputedInvoice
	ShadowClient        = view.ShadowClient
)

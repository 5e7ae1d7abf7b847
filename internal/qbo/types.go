package qbo

import (
	"encoding/json"
	"fmt"

	"billbot/internal/money"
)

// Wire types mirror the QBO Accounting API v3 JSON (field names and casing
// as in Intuit's API reference: developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice).
// Only the fields billbot reads or writes are declared.

// Ref is a reference to another entity: {"value": id, "name": display name}.
type Ref struct {
	Value string `json:"value"`
	Name  string `json:"name,omitempty"`
}

// MemoRef is a free-text value wrapper such as CustomerMemo.
type MemoRef struct {
	Value string `json:"value"`
}

// EmailAddress is QBO's email wrapper (BillEmail, PrimaryEmailAddr).
type EmailAddress struct {
	Address string `json:"Address,omitempty"`
}

// MetaData carries an entity's create and last-update times (RFC 3339).
type MetaData struct {
	CreateTime      string `json:"CreateTime,omitempty"`
	LastUpdatedTime string `json:"LastUpdatedTime,omitempty"`
}

// LinkedTxn links a transaction to another (an invoice to its payments).
type LinkedTxn struct {
	TxnID   string `json:"TxnId"`
	TxnType string `json:"TxnType"`
}

// DeliveryInfo records how and when an invoice was sent.
type DeliveryInfo struct {
	DeliveryType string `json:"DeliveryType,omitempty"`
	DeliveryTime string `json:"DeliveryTime,omitempty"`
}

// Line detail types.
const (
	SalesItemLine   = "SalesItemLineDetail"
	DiscountLine    = "DiscountLineDetail"
	SubTotalLine    = "SubTotalLineDetail"
	DescriptionLine = "DescriptionOnly"
)

// Invoice email statuses.
const (
	EmailNotSet     = "NotSet"
	EmailNeedToSend = "NeedToSend"
	EmailSent       = "EmailSent"
)

// SalesItemLineDetail prices one line: ItemRef, Qty × UnitPrice.
type SalesItemLineDetail struct {
	ItemRef     *Ref    `json:"ItemRef,omitempty"`
	Qty         Decimal `json:"Qty,omitempty"`
	UnitPrice   Decimal `json:"UnitPrice,omitempty"`
	ServiceDate string  `json:"ServiceDate,omitempty"`
	TaxCodeRef  *Ref    `json:"TaxCodeRef,omitempty"`
}

// DiscountLineDetail is a discount line. billbot always sends an exact
// amount (PercentBased false) so that QBO's TotalAmt equals billbot's total.
type DiscountLineDetail struct {
	PercentBased       bool    `json:"PercentBased"`
	DiscountPercent    Decimal `json:"DiscountPercent,omitempty"`
	DiscountAccountRef *Ref    `json:"DiscountAccountRef,omitempty"`
}

// Line is one invoice line.
type Line struct {
	ID                  string               `json:"Id,omitempty"`
	LineNum             int                  `json:"LineNum,omitempty"`
	Description         string               `json:"Description,omitempty"`
	Amount              Decimal              `json:"Amount,omitempty"`
	DetailType          string               `json:"DetailType"`
	SalesItemLineDetail *SalesItemLineDetail `json:"SalesItemLineDetail,omitempty"`
	DiscountLineDetail  *DiscountLineDetail  `json:"DiscountLineDetail,omitempty"`
	SubTotalLineDetail  json.RawMessage      `json:"SubTotalLineDetail,omitempty"`
}

// Invoice is a QBO invoice. TotalAmt and Balance are read-only; Balance 0
// means paid. Status is "Deleted" for deleted objects in CDC results.
type Invoice struct {
	ID           string        `json:"Id,omitempty"`
	SyncToken    string        `json:"SyncToken,omitempty"`
	Sparse       bool          `json:"sparse,omitempty"`
	DocNumber    string        `json:"DocNumber,omitempty"`
	TxnDate      string        `json:"TxnDate,omitempty"`
	DueDate      string        `json:"DueDate,omitempty"`
	CustomerRef  *Ref          `json:"CustomerRef,omitempty"`
	CurrencyRef  *Ref          `json:"CurrencyRef,omitempty"`
	Line         []Line        `json:"Line,omitempty"`
	CustomerMemo *MemoRef      `json:"CustomerMemo,omitempty"`
	BillEmail    *EmailAddress `json:"BillEmail,omitempty"`
	PrivateNote  string        `json:"PrivateNote,omitempty"`
	EmailStatus  string        `json:"EmailStatus,omitempty"`
	DeliveryInfo *DeliveryInfo `json:"DeliveryInfo,omitempty"`
	TotalAmt     Decimal       `json:"TotalAmt,omitempty"`
	Balance      Decimal       `json:"Balance,omitempty"`
	LinkedTxn    []LinkedTxn   `json:"LinkedTxn,omitempty"`
	MetaData     *MetaData     `json:"MetaData,omitempty"`
	Status       string        `json:"status,omitempty"`
}

// TotalMinor returns the invoice total computed exactly from its lines:
// sales item lines minus discount lines (subtotal lines are ignored). It is
// what QBO's TotalAmt must equal for a tax-free invoice.
func (inv Invoice) TotalMinor(cur money.Currency) (money.Amount, error) {
	var total money.Amount
	for i, l := range inv.Line {
		a, err := l.Amount.Amount(cur)
		if err != nil {
			return 0, fmt.Errorf("qbo: invoice line %d amount: %w", i+1, err)
		}
		switch l.DetailType {
		case SalesItemLine, DescriptionLine:
			total += a
		case DiscountLine:
			total -= a
		}
	}
	return total, nil
}

// Customer is a QBO customer.
type Customer struct {
	ID               string        `json:"Id,omitempty"`
	SyncToken        string        `json:"SyncToken,omitempty"`
	DisplayName      string        `json:"DisplayName,omitempty"`
	CompanyName      string        `json:"CompanyName,omitempty"`
	Active           bool          `json:"Active"`
	Balance          Decimal       `json:"Balance,omitempty"`
	CurrencyRef      *Ref          `json:"CurrencyRef,omitempty"`
	PrimaryEmailAddr *EmailAddress `json:"PrimaryEmailAddr,omitempty"`
	SalesTermRef     *Ref          `json:"SalesTermRef,omitempty"` // the customer's default payment terms
	MetaData         *MetaData     `json:"MetaData,omitempty"`
}

// Item is a QBO product or service item.
type Item struct {
	ID        string    `json:"Id,omitempty"`
	SyncToken string    `json:"SyncToken,omitempty"`
	Name      string    `json:"Name,omitempty"`
	Type      string    `json:"Type,omitempty"`
	Active    bool      `json:"Active"`
	UnitPrice Decimal   `json:"UnitPrice,omitempty"`
	MetaData  *MetaData `json:"MetaData,omitempty"`
}

// Term is a QBO sales term ("Net 30"): DueDays after the invoice date
// (developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/term).
type Term struct {
	ID      string `json:"Id,omitempty"`
	Name    string `json:"Name,omitempty"`
	Type    string `json:"Type,omitempty"`
	DueDays int    `json:"DueDays,omitempty"`
	Active  bool   `json:"Active"`
}

// PaymentLine applies part of a payment to linked transactions.
type PaymentLine struct {
	Amount    Decimal     `json:"Amount,omitempty"`
	LinkedTxn []LinkedTxn `json:"LinkedTxn,omitempty"`
}

// Payment is a customer payment.
type Payment struct {
	ID           string        `json:"Id,omitempty"`
	SyncToken    string        `json:"SyncToken,omitempty"`
	TxnDate      string        `json:"TxnDate,omitempty"`
	CustomerRef  *Ref          `json:"CustomerRef,omitempty"`
	CurrencyRef  *Ref          `json:"CurrencyRef,omitempty"`
	TotalAmt     Decimal       `json:"TotalAmt,omitempty"`
	UnappliedAmt Decimal       `json:"UnappliedAmt,omitempty"`
	Line         []PaymentLine `json:"Line,omitempty"`
	MetaData     *MetaData     `json:"MetaData,omitempty"`
	Status       string        `json:"status,omitempty"`
}

// CompanyInfo describes the connected company.
type CompanyInfo struct {
	ID          string        `json:"Id,omitempty"`
	CompanyName string        `json:"CompanyName,omitempty"`
	LegalName   string        `json:"LegalName,omitempty"`
	Country     string        `json:"Country,omitempty"`
	Email       *EmailAddress `json:"Email,omitempty"`
}

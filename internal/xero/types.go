package xero

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"billbot/internal/jsonnum"
	"billbot/internal/money"
)

// Decimal is a JSON number on the Xero wire (Quantity, UnitAmount,
// LineAmount, Total, …) kept as its exact decimal text: it never passes
// through float64. The zero Decimal ("") is absent and omitted.
type Decimal string

// AmountDecimal writes a money amount with the currency's decimals.
func AmountDecimal(a money.Amount, cur money.Currency) Decimal { return Decimal(a.Format(cur)) }

// HoursDecimal writes a quantity of hours, at most 4 decimals.
func HoursDecimal(h money.Hours) Decimal { return Decimal(h.String()) }

// Amount parses d into minor units of cur; trailing zeros beyond the
// currency's decimals ("95.0000") are fine, anything else is an error.
func (d Decimal) Amount(cur money.Currency) (money.Amount, error) {
	if d == "" {
		return 0, nil
	}
	return money.Parse(string(d), cur)
}

// Hours parses d as a quantity of hours; absent is zero.
func (d Decimal) Hours() (money.Hours, error) {
	if d == "" {
		return 0, nil
	}
	return money.ParseHours(string(d))
}

// MarshalJSON writes the text as a JSON number.
func (d Decimal) MarshalJSON() ([]byte, error) { return jsonnum.Marshal(string(d), "xero") }

// UnmarshalJSON keeps a JSON number's (or numeric string's) exact text.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	text, err := jsonnum.Unmarshal(b, "xero")
	if err != nil {
		return err
	}
	*d = Decimal(text)
	return nil
}

var msDate = regexp.MustCompile(`^/Date\((-?\d+)([+-]\d{4})?\)/$`)

// ParseTime reads Xero's JSON dates: "/Date(1518685950940+0000)/" (the
// .NET form Xero's JSON uses for Date, DueDate and UpdatedDateUTC) or an
// ISO date or date-time without zone (DateString), taken as UTC.
func ParseTime(s string) (time.Time, error) {
	if m := msDate.FindStringSubmatch(s); m != nil {
		ms, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("xero: date %q: %w", s, err)
		}
		return time.UnixMilli(ms).UTC(), nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("xero: date %q: not a Xero date", s)
}

// FormatTime writes t as Xero's JSON writes dates: "/Date(ms+0000)/".
func FormatTime(t time.Time) string { return fmt.Sprintf("/Date(%d+0000)/", t.UnixMilli()) }

// Connection is one organisation the token may call (GET /connections).
type Connection struct {
	ID             string `json:"id"`
	AuthEventID    string `json:"authEventId,omitempty"`
	TenantID       string `json:"tenantId"`
	TenantType     string `json:"tenantType"`
	TenantName     string `json:"tenantName"`
	CreatedDateUTC string `json:"createdDateUtc,omitempty"`
	UpdatedDateUTC string `json:"updatedDateUtc,omitempty"`
}

// Contact is a Xero contact (customer or supplier).
type Contact struct {
	ContactID       string `json:"ContactID,omitempty"`
	Name            string `json:"Name,omitempty"`
	EmailAddress    string `json:"EmailAddress,omitempty"`
	ContactStatus   string `json:"ContactStatus,omitempty"` // ACTIVE, ARCHIVED
	IsCustomer      bool   `json:"IsCustomer,omitempty"`
	DefaultCurrency string `json:"DefaultCurrency,omitempty"`
	// PaymentTerms are the contact's own due-date terms, when set.
	PaymentTerms   *PaymentTerms `json:"PaymentTerms,omitempty"`
	UpdatedDateUTC string        `json:"UpdatedDateUTC,omitempty"`
}

// PaymentTerms are a contact's (or the organisation's) default due dates
// for bills and for sales invoices
// (developer.xero.com/documentation/api/accounting/types#payment-terms).
type PaymentTerms struct {
	Bills *PaymentTerm `json:"Bills,omitempty"`
	Sales *PaymentTerm `json:"Sales,omitempty"`
}

// PaymentTerm is one due-date rule: Day with Type.
type PaymentTerm struct {
	Day  int    `json:"Day"`
	Type string `json:"Type"` // TermDaysAfterBillDate, ...
}

// Payment term types (developer.xero.com/documentation/api/accounting/types#payment-terms).
const (
	TermDaysAfterBillDate  = "DAYSAFTERBILLDATE"  // due Day days after the invoice date
	TermDaysAfterBillMonth = "DAYSAFTERBILLMONTH" // Day days after the end of the invoice month
	TermOfCurrentMonth     = "OFCURRENTMONTH"     // on Day of the invoice month
	TermOfFollowingMonth   = "OFFOLLOWINGMONTH"   // on Day of the following month
)

// Item is a product or service; invoices reference it by Code (ItemCode).
type Item struct {
	ItemID       string        `json:"ItemID,omitempty"`
	Code         string        `json:"Code"`
	Name         string        `json:"Name,omitempty"`
	Description  string        `json:"Description,omitempty"`
	IsSold       bool          `json:"IsSold,omitempty"`
	SalesDetails *SalesDetails `json:"SalesDetails,omitempty"`
}

// SalesDetails is an item's default sale price and revenue account.
type SalesDetails struct {
	UnitPrice   Decimal `json:"UnitPrice,omitempty"`
	AccountCode string  `json:"AccountCode,omitempty"`
	TaxType     string  `json:"TaxType,omitempty"`
}

// Account is one account of the chart of accounts.
type Account struct {
	AccountID               string `json:"AccountID,omitempty"`
	Code                    string `json:"Code,omitempty"`
	Name                    string `json:"Name,omitempty"`
	Type                    string `json:"Type,omitempty"` // REVENUE, SALES, BANK, ...
	Status                  string `json:"Status,omitempty"`
	TaxType                 string `json:"TaxType,omitempty"`
	EnablePaymentsToAccount bool   `json:"EnablePaymentsToAccount,omitempty"`
	CurrencyCode            string `json:"CurrencyCode,omitempty"`
}

// TaxRate is a tax rate; lines name it by TaxType.
type TaxRate struct {
	Name          string  `json:"Name,omitempty"`
	TaxType       string  `json:"TaxType,omitempty"`
	Status        string  `json:"Status,omitempty"`
	EffectiveRate Decimal `json:"EffectiveRate,omitempty"` // percent, "15.0000"
}

// Invoice types and statuses (docs/vendors.md §6.3).
const (
	TypeACCREC = "ACCREC"

	StatusDraft      = "DRAFT"
	StatusSubmitted  = "SUBMITTED"
	StatusAuthorised = "AUTHORISED"
	StatusPaid       = "PAID"
	StatusVoided     = "VOIDED"
	StatusDeleted    = "DELETED"

	// LineAmountTypes (docs/vendors.md §6.4).
	Exclusive = "Exclusive"
	Inclusive = "Inclusive"
	NoTax     = "NoTax"
)

// Invoice is a Xero invoice. On requests Date and DueDate are
// "YYYY-MM-DD"; on answers they are "/Date(…)/" with DateString beside.
type Invoice struct {
	Type            string     `json:"Type,omitempty"`
	InvoiceID       string     `json:"InvoiceID,omitempty"`
	InvoiceNumber   string     `json:"InvoiceNumber,omitempty"`
	Reference       string     `json:"Reference,omitempty"`
	Contact         *Contact   `json:"Contact,omitempty"`
	Date            string     `json:"Date,omitempty"`
	DateString      string     `json:"DateString,omitempty"`
	DueDate         string     `json:"DueDate,omitempty"`
	DueDateString   string     `json:"DueDateString,omitempty"`
	Status          string     `json:"Status,omitempty"`
	LineAmountTypes string     `json:"LineAmountTypes,omitempty"`
	LineItems       []LineItem `json:"LineItems,omitempty"`
	SubTotal        Decimal    `json:"SubTotal,omitempty"`
	TotalTax        Decimal    `json:"TotalTax,omitempty"`
	Total           Decimal    `json:"Total,omitempty"`
	AmountDue       Decimal    `json:"AmountDue,omitempty"`
	AmountPaid      Decimal    `json:"AmountPaid,omitempty"`
	AmountCredited  Decimal    `json:"AmountCredited,omitempty"`
	CurrencyCode    string     `json:"CurrencyCode,omitempty"`
	SentToContact   *bool      `json:"SentToContact,omitempty"`
	UpdatedDateUTC  string     `json:"UpdatedDateUTC,omitempty"`
	Payments        []Payment  `json:"Payments,omitempty"`
}

// LineItem is one invoice or credit note line. With unitdp=4 Quantity and
// UnitAmount take 4 decimals; LineAmount and TaxAmount have 2
// (docs/vendors.md §6.5).
type LineItem struct {
	LineItemID  string  `json:"LineItemID,omitempty"`
	Description string  `json:"Description,omitempty"`
	Quantity    Decimal `json:"Quantity,omitempty"`
	UnitAmount  Decimal `json:"UnitAmount,omitempty"`
	ItemCode    string  `json:"ItemCode,omitempty"`
	AccountCode string  `json:"AccountCode,omitempty"`
	TaxType     string  `json:"TaxType,omitempty"`
	TaxAmount   Decimal `json:"TaxAmount,omitempty"`
	LineAmount  Decimal `json:"LineAmount,omitempty"`
}

// Payment applies money received to an invoice (or a credit note).
type Payment struct {
	PaymentID      string   `json:"PaymentID,omitempty"`
	Invoice        *Invoice `json:"Invoice,omitempty"`
	Account        *Account `json:"Account,omitempty"` // Code or AccountID of a bank account
	Date           string   `json:"Date,omitempty"`
	Amount         Decimal  `json:"Amount,omitempty"`
	Reference      string   `json:"Reference,omitempty"`
	Status         string   `json:"Status,omitempty"`
	UpdatedDateUTC string   `json:"UpdatedDateUTC,omitempty"`
}

// CreditNote is a sales credit note (Type ACCRECCREDIT).
type CreditNote struct {
	Type             string     `json:"Type,omitempty"`
	CreditNoteID     string     `json:"CreditNoteID,omitempty"`
	CreditNoteNumber string     `json:"CreditNoteNumber,omitempty"`
	Reference        string     `json:"Reference,omitempty"`
	Contact          *Contact   `json:"Contact,omitempty"`
	Date             string     `json:"Date,omitempty"`
	Status           string     `json:"Status,omitempty"`
	LineAmountTypes  string     `json:"LineAmountTypes,omitempty"`
	LineItems        []LineItem `json:"LineItems,omitempty"`
	SubTotal         Decimal    `json:"SubTotal,omitempty"`
	TotalTax         Decimal    `json:"TotalTax,omitempty"`
	Total            Decimal    `json:"Total,omitempty"`
	RemainingCredit  Decimal    `json:"RemainingCredit,omitempty"`
	CurrencyCode     string     `json:"CurrencyCode,omitempty"`
	UpdatedDateUTC   string     `json:"UpdatedDateUTC,omitempty"`
}

// CreditNoteACCREC is a sales credit note's Type.
const CreditNoteACCREC = "ACCRECCREDIT"

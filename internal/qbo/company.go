package qbo

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// GetCompanyInfo reads the connected company's name and country; `doctor`
// uses it to check credentials.
// API: GET /v3/company/{realmId}/companyinfo/{realmId}.
func (c *Client) GetCompanyInfo(ctx context.Context) (CompanyInfo, error) {
	var r struct {
		CompanyInfo CompanyInfo `json:"CompanyInfo"`
	}
	cl := call{method: http.MethodGet, path: "companyinfo/" + url.PathEscape(c.realmID)}
	if err := c.do(ctx, cl, &r); err != nil {
		return CompanyInfo{}, fmt.Errorf("qbo: get company info: %w", err)
	}
	return r.CompanyInfo, nil
}

// GetPayment reads one payment; its lines link to the invoices it pays.
// API: GET /v3/company/{realmId}/payment/{id}.
func (c *Client) GetPayment(ctx context.Context, id string) (Payment, error) {
	var r struct {
		Payment Payment `json:"Payment"`
	}
	if err := c.do(ctx, call{method: http.MethodGet, path: "payment/" + url.PathEscape(id)}, &r); err != nil {
		return Payment{}, fmt.Errorf("qbo: get payment %s: %w", id, err)
	}
	return r.Payment, nil
}

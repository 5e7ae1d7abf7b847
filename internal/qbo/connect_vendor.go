package qbo

// Vendor names the ledger a ConnectFlow connects, in what people read and
// in the flow's cookie, path and logs. The one-time link, its confirmation
// page and the OAuth state are the same for every ledger.
type Vendor struct {
	Name       string // "QuickBooks"
	Org        string // what the ledger calls a set of books: "company"
	Orgs       string // its plural: "companies"
	SignIn     string // who the person signs in with: "Intuit"
	Path       string // the flow's path prefix: "/oauth/qbo"
	Command    string // the command that makes a link: "billbot qbo connect"
	SwitchFlag string // its flag allowing a switch: "--switch-company"
	Log        string // the log messages' prefix: "qbo"
}

// QuickBooks is the Vendor of QuickBooks Online, the zero Vendor's meaning.
var QuickBooks = Vendor{Name: "QuickBooks", Org: "company", Orgs: "companies", SignIn: "Intuit",
	Path: "/oauth/qbo", Command: "billbot qbo connect", SwitchFlag: "--switch-company", Log: "qbo"}

// cookie is the name of the state cookie.
func (v Vendor) cookie() string {
	if v.Log == QuickBooks.Log {
		return stateCookie
	}
	return v.Log + "_oauth_state"
}

func (f *ConnectFlow) vendor() Vendor {
	if f.Vendor.Name == "" {
		return QuickBooks
	}
	return f.Vendor
}

// StartAgain is the sentence that ends every refusal: how to make a new
// link.
func (f *ConnectFlow) StartAgain() string { return f.startAgain() }

func (f *ConnectFlow) startAgain() string {
	v := f.vendor()
	if v.Command == QuickBooks.Command {
		return startAgain
	}
	return " Make a new link with `" + v.Command + "` and open it."
}

func (f *ConnectFlow) linkInvalid() string {
	return "This connect link is unknown, already used or expired." + f.startAgain()
}

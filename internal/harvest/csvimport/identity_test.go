package csvimport

import (
	"strings"
	"testing"
)

// TestExternalIDsStayPut: a row's ExternalID is how a re-import finds the
// entry it stored before, so these ids must never change between
// versions of billbot.
func TestExternalIDsStayPut(t *testing.T) {
	const file = "Date,Client,Project,Project Code,Task,Notes,Hours,Billable?,Approved?,First Name,Last Name,Billable Rate\n" +
		"2026-03-02,Acme Corp,Acme,AC-1,Tax Prep,\"Zürich; \"\"q\"\"\",1.5,Yes,Yes,Kim,Allen,195.00\n" +
		"2026-03-02,Acme Corp,Acme,AC-1,Tax Prep,\"Zürich; \"\"q\"\"\",1.5,Yes,No,Kim,Allen,195.00\n" +
		"03/04/2026,Globex,Globex 2026,,Advisory,,12.25,No,Yes,,Lee,0\n"
	rd, err := NewReader(strings.NewReader(file), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for e, err := range rd.All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.ExternalID)
	}
	want := []string{
		"fde251a8c65bbc9c0945fc0ca6cf565427122e671d1a876ae237e2daa95bcb6d", // first of two identical rows
		"c8d31996c899a21a8b48114254fb928a6e0c4fcc3221b0567b0eef1f9e498879", // the second (approval is no part of the identity)
		"a771a34f4051160672ec74fea7530ca986117f789684a01145b71fe489e12b9b",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("external ids:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

package slackui

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"billbot/internal/chat"
)

func TestEditModal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		d    Draft
	}{
		{"usd", usdDraft()},
		{"cad_discount_and_credit", cadDraft()},
		{"jpy", jpyDraft()},
		{"300_lines", bigDraft(300)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := EditModal(tt.d)
			checkModal(t, v)
			if v.CallbackID != chat.CallbackEdit || v.PrivateMetadata != fmt.Sprint(tt.d.InvoiceID) {
				t.Errorf("callback %q metadata %q", v.CallbackID, v.PrivateMetadata)
			}
			assertGolden(t, v)
		})
	}
}

// inputBlockIDs lists the block ids of a view's input blocks.
func inputBlockIDs(v slack.ModalViewRequest) []string {
	var ids []string
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			ids = append(ids, in.BlockID)
		}
	}
	return ids
}

func TestEditModalInputs(t *testing.T) {
	t.Parallel()
	got := inputBlockIDs(EditModal(cadDraft()))
	// The discount and retainer credit lines (2, 3) are derived, not edited.
	want := []string{
		"line_0_description", "line_0_hours", "line_0_rate",
		"line_1_description", "line_1_hours", "line_1_rate",
		BlockMemo, BlockDueDate, BlockDiscount, BlockWriteDown, BlockWriteDownNote,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("input blocks (-want +got):\n%s", diff)
	}
}

func TestEditModalCapsEditableLines(t *testing.T) {
	t.Parallel()
	v := EditModal(hostileDraft(500))
	checkModal(t, v)
	lines := map[int]bool{}
	for _, id := range inputBlockIDs(v) {
		if l, _, ok := ParseEditBlockID(id); ok {
			lines[l] = true
		}
	}
	if len(lines) != EditableLines {
		t.Errorf("%d editable lines, want %d", len(lines), EditableLines)
	}
}

func TestEditBlockIDRoundTrip(t *testing.T) {
	t.Parallel()
	for _, f := range []string{FieldHours, FieldRate, FieldDescription} {
		for _, line := range []int{0, 7, 299} {
			id := EditBlockID(line, f)
			if len(id) > MaxIDLen {
				t.Errorf("%q longer than %d", id, MaxIDLen)
			}
			gotLine, gotField, ok := ParseEditBlockID(id)
			if !ok || gotLine != line || gotField != f {
				t.Errorf("ParseEditBlockID(%q) = %d, %q, %v", id, gotLine, gotField, ok)
			}
		}
	}
	for _, bad := range []string{"", BlockMemo, "line_", "line_x_hours", "line_-1_hours", "line_3_amount", "line_3"} {
		if _, _, ok := ParseEditBlockID(bad); ok {
			t.Errorf("ParseEditBlockID(%q) ok, want not", bad)
		}
	}
}

func TestHoldModal(t *testing.T) {
	t.Parallel()
	v := HoldModal(1043, "Smith & Sons <Ltd>")
	checkModal(t, v)
	if v.CallbackID != chat.CallbackHold || v.PrivateMetadata != "1043" {
		t.Errorf("callback %q metadata %q", v.CallbackID, v.PrivateMetadata)
	}
	in, ok := v.Blocks.BlockSet[1].(*slack.InputBlock)
	if !ok || in.BlockID != BlockHoldReason || in.Optional {
		t.Fatalf("block 1 = %#v, want the required reason input", v.Blocks.BlockSet[1])
	}
	if el, ok := in.Element.(*slack.PlainTextInputBlockElement); !ok || !el.Multiline || el.ActionID != InputAction {
		t.Errorf("reason element = %#v, want a multiline plain text input", in.Element)
	}
	assertGolden(t, v)
}

package harvest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"billbot/internal/billing"
)

// A sync reads every time entry of the account, and encoding/json spends
// most of that run in reflection. decodeFrom is a hand-written decoder for
// the one hot shape, GET /v2/time_entries pages; it produces exactly what
// json.Unmarshal would (a differential test and fuzz target check this),
// except that field names must match in case, as Harvest writes them.

// fastDecoder is implemented by response types with a hand-written decoder.
type fastDecoder interface {
	decodeFrom(data []byte) error
}

type lexer struct {
	b     []byte
	i     int
	names map[string]string
}

const maxDepth = 10000 // as encoding/json

func (d *lexer) fail(msg string) error {
	return fmt.Errorf("decode time entries at byte %d: %s", d.i, msg)
}

func (d *lexer) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *lexer) peek() byte {
	d.ws()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

func (d *lexer) consume(c byte) bool {
	if d.peek() == c {
		d.i++
		return true
	}
	return false
}

func (d *lexer) literal(lit string) bool {
	d.ws()
	if bytes.HasPrefix(d.b[d.i:], []byte(lit)) {
		d.i += len(lit)
		return true
	}
	return false
}

// object calls field for each key, positioned at the value. null is an
// empty object, as encoding/json leaves the target untouched.
func (d *lexer) object(field func(key []byte) error) error {
	if d.literal("null") {
		return nil
	}
	if !d.consume('{') {
		return d.fail("want an object")
	}
	if d.consume('}') {
		return nil
	}
	for {
		if d.peek() != '"' {
			return d.fail("want a key")
		}
		raw, plain, err := d.rawString()
		if err != nil {
			return err
		}
		key := raw
		if !plain && (bytes.IndexByte(raw, '\\') >= 0 || !utf8.Valid(raw)) {
			var s string
			if err := json.Unmarshal(d.b[d.i-len(raw)-2:d.i], &s); err != nil {
				return d.fail(err.Error())
			}
			key = []byte(s)
		}
		if !d.consume(':') {
			return d.fail("want ':'")
		}
		if err := field(key); err != nil {
			return err
		}
		if d.consume(',') {
			continue
		}
		if d.consume('}') {
			return nil
		}
		return d.fail("want ',' or '}'")
	}
}

// rawString scans a string at d.i and returns its bytes between the quotes,
// escapes still in, checking them as it goes. plain reports that the bytes
// need no unescaping (no backslash, no byte above ASCII).
func (d *lexer) rawString() (raw []byte, plain bool, err error) {
	d.i++ // opening quote
	start := d.i
	plain = true
	for {
		j := bytes.IndexByte(d.b[d.i:], '"')
		if j < 0 {
			return nil, false, d.fail("unterminated string")
		}
		seg := d.b[d.i : d.i+j]
		k := bytes.IndexByte(seg, '\\')
		if k >= 0 {
			seg = seg[:k]
		}
		for _, c := range seg {
			if c < 0x20 {
				return nil, false, d.fail("control character in string")
			}
			if c >= 0x80 {
				plain = false
			}
		}
		if k < 0 {
			d.i += j + 1
			return d.b[start : d.i-1], plain, nil
		}
		plain = false
		d.i += k
		if d.i+1 >= len(d.b) {
			return nil, false, d.fail("unterminated string")
		}
		switch d.b[d.i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			d.i += 2
		case 'u':
			if d.i+6 > len(d.b) {
				return nil, false, d.fail("short \\u escape")
			}
			for _, h := range d.b[d.i+2 : d.i+6] {
				if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
					return nil, false, d.fail("bad \\u escape")
				}
			}
			d.i += 6
		default:
			return nil, false, d.fail("bad escape")
		}
	}
}

// str decodes a string; null leaves dst as is.
func (d *lexer) str(dst *string) error {
	if d.literal("null") {
		return nil
	}
	if d.peek() != '"' {
		return d.fail("want a string")
	}
	start := d.i
	raw, plain, err := d.rawString()
	if err != nil {
		return err
	}
	if plain || (bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw)) {
		*dst = string(raw)
		return nil
	}
	if err := json.Unmarshal(d.b[start:d.i], dst); err != nil {
		return d.fail(err.Error())
	}
	return nil
}

// name decodes a short string that repeats across a page (user, client,
// project and task names), sharing one copy per distinct value.
func (d *lexer) name(dst *string) error {
	if d.peek() != '"' {
		return d.str(dst)
	}
	save := d.i
	raw, plain, err := d.rawString()
	if err != nil {
		return err
	}
	if !plain {
		d.i = save
		return d.str(dst)
	}
	if s, ok := d.names[string(raw)]; ok {
		*dst = s
		return nil
	}
	s := string(raw)
	if d.names == nil {
		d.names = map[string]string{}
	}
	if len(d.names) < 4096 {
		d.names[s] = s
	}
	*dst = s
	return nil
}

// quoted returns the next string value with its quotes, for types with
// their own UnmarshalJSON; nil for null.
func (d *lexer) quoted() ([]byte, error) {
	if d.literal("null") {
		return nil, nil
	}
	if d.peek() != '"' {
		return nil, d.fail("want a string")
	}
	start := d.i
	if _, _, err := d.rawString(); err != nil {
		return nil, err
	}
	return d.b[start:d.i], nil
}

// scanNumber checks JSON's number grammar at d.i and returns the text.
func (d *lexer) scanNumber() ([]byte, error) {
	d.ws()
	start := d.i
	b := d.b
	if d.i < len(b) && b[d.i] == '-' {
		d.i++
	}
	digits := func() int {
		n := 0
		for d.i < len(b) && b[d.i] >= '0' && b[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	switch {
	case d.i < len(b) && b[d.i] == '0':
		d.i++
	case digits() == 0:
		return nil, d.fail("want a number")
	}
	if d.i < len(b) && b[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return nil, d.fail("bad number")
		}
	}
	if d.i < len(b) && (b[d.i] == 'e' || b[d.i] == 'E') {
		d.i++
		if d.i < len(b) && (b[d.i] == '+' || b[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return nil, d.fail("bad exponent")
		}
	}
	return b[start:d.i], nil
}

// number decodes a json.Number. Like encoding/json it also takes a string
// holding a valid number, and null leaves dst as is.
func (d *lexer) number(dst *json.Number) error {
	switch d.peek() {
	case 'n':
		if d.literal("null") {
			return nil
		}
	case '"':
		var s string
		if err := d.str(&s); err != nil {
			return err
		}
		if !validNumber(s) {
			return d.fail("string is not a number")
		}
		*dst = json.Number(s)
		return nil
	}
	raw, err := d.scanNumber()
	if err != nil {
		return err
	}
	*dst = json.Number(raw)
	return nil
}

func validNumber(s string) bool {
	l := &lexer{b: []byte(s)}
	_, err := l.scanNumber()
	return err == nil && l.i == len(s) && s != ""
}

func (d *lexer) int64(dst *int64) error {
	if d.literal("null") {
		return nil
	}
	raw, err := d.scanNumber()
	if err != nil {
		return err
	}
	v, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return d.fail("want an integer")
	}
	*dst = v
	return nil
}

func (d *lexer) int(dst *int) error {
	v := int64(*dst)
	if err := d.int64(&v); err != nil {
		return err
	}
	*dst = int(v)
	return nil
}

func (d *lexer) intPtr(dst **int) error {
	if d.literal("null") {
		*dst = nil
		return nil
	}
	if *dst == nil {
		*dst = new(int)
	}
	return d.int(*dst)
}

func (d *lexer) bool(dst *bool) error {
	switch {
	case d.literal("true"):
		*dst = true
	case d.literal("false"):
		*dst = false
	case d.literal("null"):
	default:
		return d.fail("want true or false")
	}
	return nil
}

func (d *lexer) time(dst *time.Time) error {
	q, err := d.quoted()
	if err != nil || q == nil {
		return err
	}
	if err := dst.UnmarshalJSON(q); err != nil {
		return d.fail(err.Error())
	}
	return nil
}

func (d *lexer) timePtr(dst **time.Time) error {
	if d.literal("null") {
		*dst = nil
		return nil
	}
	if *dst == nil {
		*dst = new(time.Time)
	}
	return d.time(*dst)
}

func (d *lexer) date(dst *billing.Date) error {
	if d.literal("null") {
		return nil
	}
	var s string
	if err := d.str(&s); err != nil {
		return err
	}
	if err := dst.UnmarshalText([]byte(s)); err != nil {
		return d.fail(err.Error())
	}
	return nil
}

// skip passes over any value, checking its syntax.
func (d *lexer) skip(depth int) error {
	if depth > maxDepth {
		return d.fail("nested too deeply")
	}
	switch d.peek() {
	case '{':
		return d.object(func([]byte) error { return d.skip(depth + 1) })
	case '[':
		return d.array(func() error { return d.skip(depth + 1) })
	case '"':
		_, _, err := d.rawString()
		return err
	case 't', 'f', 'n':
		if d.literal("true") || d.literal("false") || d.literal("null") {
			return nil
		}
		return d.fail("bad literal")
	}
	_, err := d.scanNumber()
	return err
}

// array calls elem for each element; null is an empty array.
func (d *lexer) array(elem func() error) error {
	if !d.consume('[') {
		return d.fail("want an array")
	}
	if d.consume(']') {
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		if d.consume(',') {
			continue
		}
		if d.consume(']') {
			return nil
		}
		return d.fail("want ',' or ']'")
	}
}

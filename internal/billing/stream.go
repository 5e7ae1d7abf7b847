package billing

// Stream is Assess over entries handed over one at a time, in any order,
// so that a caller reading them from a database cursor never holds them
// all: of an entry that goes on a line it keeps 32 bytes (id, hours, rate,
// day), of one a problem holds or a later cycle waits for only its id. Its
// Result is Assess's over the same entries sorted by (SpentDate, ID),
// followed by the ones given to AddLater sorted by ID.
type Stream struct {
	x    *engine
	done bool
}

// NewStream starts a run over in without its entries (in.Entries is
// ignored): Add and AddLater hand them over, Result ends the run.
func NewStream(in Input) *Stream {
	in.Entries = nil
	mode := modeAssess
	if !in.PeriodEnd.IsZero() {
		mode = modeDraft
	}
	return &Stream{x: newEngine(&in, mode, nil)}
}

// Add classifies t. Entries may come in any order; t is not retained.
func (s *Stream) Add(t *TimeEntry) {
	s.x.probs.at = position{a: int64(packDate(t.SpentDate)), b: t.ID}
	s.x.classify(t)
}

// AddLater classifies t as one of the entries that, in Assess's input,
// follow every entry given to Add, by ID: a draft's dry run adds the
// entries its exceptions hold this way, after the unallocated ones.
func (s *Stream) AddLater(t *TimeEntry) {
	s.x.probs.at = position{tier: 1, a: t.ID}
	s.x.classify(t)
}

// Result settles the run and returns what Assess would. It may be called
// once.
func (s *Stream) Result() Result {
	if s.done {
		panic("billing: Stream.Result called twice")
	}
	s.done = true
	return s.x.result()
}

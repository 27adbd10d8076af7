package views

import (
	"github.com/satchel-backpack/satchel/views/components"
)

// Import is the import page: the form (with what was typed kept when it is
// shown again) and, after a submission, one outcome per item.
type Import struct {
	URL      string
	Pasted   string
	Errors   []components.FieldError // problems with the form itself
	Outcomes []ImportOutcome         // nil before anything was sent
	// Limits shown in the hint, e.g. "5 MB".
	MaxFile  string
	MaxTotal string
	MaxItems int
	// MaxFileBytes is the per-file cap, for import.js to refuse a file
	// without sending it.
	MaxFileBytes int64
}

// What happened to one imported item.
const (
	ImportAdded     = "imported"  // new in the backpack
	ImportReplaced  = "replaced"  // a newer version of a badge already there
	ImportDuplicate = "duplicate" // already in the backpack, left as it was
	ImportRefused   = "refused"   // not added, with the reason
)

// ImportOutcome is the result for one file, the web address or the pasted
// text.
type ImportOutcome struct {
	Source    string // e.g. the file name, "The web address", "The pasted text"
	Result    string // ImportAdded, ImportReplaced, ImportDuplicate or ImportRefused
	BadgeName string
	Href      string // the badge's page when it is in the backpack
	Status    string // for a badge in the backpack: valid, warning, expired, revoked, unverified
	Message   string // what happened, in a sentence a learner can act on
	Details   []string
	// AddEmail offers the link to add (and confirm) an email address.
	AddEmail bool
}

// InBackpack reports whether the item is (now) in the backpack.
func (o ImportOutcome) InBackpack() bool { return o.Result != ImportRefused }

func importOutcomeClass(o ImportOutcome) string {
	switch o.Result {
	case ImportAdded, ImportReplaced:
		if o.Status == "expired" || o.Status == "revoked" || o.Status == "unverified" {
			return "import-outcome import-outcome--marked"
		}
		return "import-outcome import-outcome--ok"
	case ImportDuplicate:
		return "import-outcome import-outcome--info"
	}
	return "import-outcome import-outcome--refused"
}

func importStatusClass(status string) string {
	if status == "valid" {
		return "tag tag--ok"
	}
	return "tag tag--warn"
}

// importFieldError is the message for the field with that id, if any.
func importFieldError(errs []components.FieldError, id string) string {
	for _, e := range errs {
		if e.ID == id {
			return e.Message
		}
	}
	return ""
}

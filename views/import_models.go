package views

import (
	"fmt"
	"strings"

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

// importBadgeName is the badge's name, or words that stand in for it.
func importBadgeName(o ImportOutcome) string {
	if o.BadgeName != "" {
		return o.BadgeName
	}
	return "Unnamed badge"
}

// importSummary sums the outcomes up in one sentence, e.g. "2 of 3 imported;
// 1 refused."
func importSummary(outs []ImportOutcome) string {
	var added, dup, refused int
	for _, o := range outs {
		switch o.Result {
		case ImportAdded, ImportReplaced:
			added++
		case ImportDuplicate:
			dup++
		default:
			refused++
		}
	}
	parts := []string{fmt.Sprintf("%d of %d imported", added, len(outs))}
	if dup > 0 {
		parts = append(parts, fmt.Sprintf("%d already in your backpack", dup))
	}
	if refused > 0 {
		parts = append(parts, fmt.Sprintf("%d not imported", refused))
	}
	return strings.Join(parts, "; ") + "."
}

func importResultWord(o ImportOutcome) string {
	switch o.Result {
	case ImportAdded:
		return "Imported"
	case ImportReplaced:
		return "Updated"
	case ImportDuplicate:
		return "Already in your backpack"
	}
	return "Not imported"
}

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

// importStatusWords is how a badge's status reads next to it.
func importStatusWords(status string) string {
	switch status {
	case "valid":
		return "Valid"
	case "warning":
		return "Valid, with warnings"
	case "expired":
		return "Expired"
	case "revoked":
		return "Revoked by its issuer"
	case "invalid":
		return "Not valid"
	case "unverified":
		return "Could not verify"
	case "unconfirmed":
		return "Signed, issuer not confirmed"
	}
	return status
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

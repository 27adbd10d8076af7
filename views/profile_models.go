package views

import "github.com/satchel-backpack/satchel/views/components"

// ProfileForm is the owner's profile form, with the input kept when it is
// shown again and a message per field ("handle", "display_name", "bio",
// "avatar") that needs fixing.
type ProfileForm struct {
	Handle      string
	DisplayName string
	Bio         string
	Avatar      string // "none" or "provider"
	Indexable   bool
	Errors      map[string]string

	// Saved is true when the learner has a profile (its public page exists):
	// PublicURL is then its address, for the preview link.
	Saved     bool
	PublicURL string
	// ProviderAvatar is Satchel's URL of the picture kept from the sign-in
	// provider, "" when there is none to offer.
	ProviderAvatar string
	PublicBadges   int
	PublicColls    int
}

var profileFieldOrder = []string{"handle", "display_name", "bio", "avatar"}

func (f ProfileForm) errorList() []components.FieldError {
	var out []components.FieldError
	for _, k := range profileFieldOrder {
		if msg, ok := f.Errors[k]; ok {
			out = append(out, components.FieldError{ID: "profile-" + fieldID(k), Message: msg})
		}
	}
	return out
}

func fieldID(name string) string {
	if name == "display_name" {
		return "name"
	}
	return name
}

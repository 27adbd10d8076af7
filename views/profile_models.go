package views

import (
	"strings"

	"github.com/satchel-backpack/satchel/views/components"
)

// ProfileForm is the owner's profile form, with the input kept when it is
// shown again and a message per field ("handle", "display_name", "bio",
// "avatar") that needs fixing.
type ProfileForm struct {
	Handle      string
	DisplayName string
	Bio         string
	Avatar      string // "none", or "provider:" and the provider of the chosen picture
	Indexable   bool
	Errors      map[string]string

	// Saved is true when the learner has a profile (its public page exists):
	// PublicURL is then its address, for the preview link.
	Saved     bool
	PublicURL string
	// Pictures are the pictures kept from the learner's sign-in providers,
	// offered besides initials.
	Pictures     []ProfilePicture
	PublicBadges int
	PublicColls  int
}

// ProfilePicture is one sign-in provider's picture on the profile form.
type ProfilePicture struct {
	Value string // the avatar field's value: "provider:" and the provider
	Label string // the provider's name, e.g. "GitHub"
	Src   string // Satchel's URL of the kept picture
}

// AvatarNone is the avatar field's value for initials.
const AvatarNone = "none"

const providerAvatarPrefix = "provider:"

// ProviderAvatarValue is the avatar field's value for provider's picture.
func ProviderAvatarValue(provider string) string { return providerAvatarPrefix + provider }

// AvatarProviderOf reads the provider back from an avatar field's value;
// ok is false for initials (or anything else).
func AvatarProviderOf(value string) (provider string, ok bool) {
	return strings.CutPrefix(value, providerAvatarPrefix)
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

// picked is true when one of the offered pictures is chosen.
func (f ProfileForm) picked() bool {
	for _, p := range f.Pictures {
		if f.Avatar == p.Value {
			return true
		}
	}
	return false
}

func avatarDescribedBy(f ProfileForm) string {
	if f.Errors["avatar"] != "" {
		return "profile-avatar-error profile-avatar-hint"
	}
	return "profile-avatar-hint"
}

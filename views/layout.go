package views

// Which navigation entry a page belongs to, so the layout marks it with
// aria-current="page".
const (
	navNone     = ""
	navBackpack = "backpack"
	navAccount  = "account"
	navSignIn   = "signin"
)

func pageTitle(s Shell) string {
	if s.Title == "" {
		return "Satchel"
	}
	return s.Title + " · Satchel"
}

// flashRole gives errors the assertive alert role and everything else the
// polite status role, so a screen reader interrupts only for problems.
func flashRole(kind string) string {
	if kind == FlashError {
		return "alert"
	}
	return "status"
}

func flashClass(kind string) string {
	switch kind {
	case FlashSuccess, FlashError:
		return "flash flash--" + kind
	default:
		return "flash flash--info"
	}
}
